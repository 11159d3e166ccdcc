import { randomBytes } from 'node:crypto';
import { redactStreamUrl } from '../stream-url';
import { TwirpFault } from './twirp';

/**
 * The fake server's world: rooms, participants, tracks and egresses, with LiveKit's egress
 * state machine. No I/O: every change that LiveKit would announce is handed to `emit` as a
 * webhook event in proto JSON (snake_case here; the sender camel-cases it like LiveKit).
 *
 * Egress: EGRESS_STARTING -> EGRESS_ACTIVE -> (stop) EGRESS_ENDING -> EGRESS_COMPLETE, or
 * EGRESS_FAILED when told to fail or when every destination has failed. Start and stop
 * answer with the first state (STARTING, ENDING), and by default the stored egress moves
 * on at once, so the next read sees ACTIVE / COMPLETE. `autoAdvance: false` holds it for
 * `advanceEgress`.
 */

export type EgressStatusName =
  | 'EGRESS_STARTING'
  | 'EGRESS_ACTIVE'
  | 'EGRESS_ENDING'
  | 'EGRESS_COMPLETE'
  | 'EGRESS_FAILED'
  | 'EGRESS_ABORTED'
  | 'EGRESS_LIMIT_REACHED';

export const TERMINAL: ReadonlySet<EgressStatusName> = new Set([
  'EGRESS_COMPLETE',
  'EGRESS_FAILED',
  'EGRESS_ABORTED',
  'EGRESS_LIMIT_REACHED',
]);

export type StreamStatusName = 'ACTIVE' | 'FINISHED' | 'FAILED';

export interface FakeStream {
  /** The URL as requested, with its key; only ever reported redacted. */
  url: string;
  status: StreamStatusName;
  error: string;
  startedAt: bigint;
  endedAt: bigint;
}

export interface FakeEgress {
  egressId: string;
  roomId: string;
  roomName: string;
  kind: 'room_composite' | 'track_composite';
  options: Record<string, unknown>;
  status: EgressStatusName;
  error: string;
  startedAt: bigint;
  endedAt: bigint;
  updatedAt: bigint;
  streams: FakeStream[];
}

export type TrackSourceName = 'CAMERA' | 'MICROPHONE' | 'SCREEN_SHARE' | 'SCREEN_SHARE_AUDIO';

export interface FakeTrack {
  sid: string;
  type: 'AUDIO' | 'VIDEO';
  source: TrackSourceName;
  name: string;
  muted: boolean;
}

export interface FakeParticipant {
  sid: string;
  identity: string;
  name: string;
  joinedAt: number;
  tracks: FakeTrack[];
}

export interface FakeRoom {
  sid: string;
  name: string;
  createdAtMs: number;
  emptyTimeout: number;
  departureTimeout: number;
  maxParticipants: number;
  metadata: string;
  participants: Map<string, FakeParticipant>;
}

export type ProtoJson = Record<string, unknown>;

export interface WebhookPayload {
  event: string;
  room?: ProtoJson;
  participant?: ProtoJson;
  track?: ProtoJson;
  egress_info?: ProtoJson;
}

export interface FakeStateOptions {
  emit?: (event: WebhookPayload) => void;
  now?: () => number;
  autoAdvance?: boolean;
}

export interface StartEgressInput {
  kind: FakeEgress['kind'];
  roomName: string;
  urls: string[];
  options: Record<string, unknown>;
}

export class FakeLiveKitState {
  readonly rooms = new Map<string, FakeRoom>();
  readonly egresses = new Map<string, FakeEgress>();
  autoAdvance: boolean;
  /** Destinations whose URL starts with a key here fail with its error. */
  readonly failingUrls = new Map<string, string>();
  private readonly emit: (event: WebhookPayload) => void;
  private readonly now: () => number;

  constructor(options: FakeStateOptions = {}) {
    this.emit = options.emit ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.autoAdvance = options.autoAdvance ?? true;
  }

  reset(): void {
    this.rooms.clear();
    this.egresses.clear();
    this.failingUrls.clear();
    this.autoAdvance = true;
  }

  // ---------------------------------------------------------- rooms

  /** Like LiveKit, creating an existing room returns it unchanged. */
  createRoom(
    name: string,
    settings: Partial<Omit<FakeRoom, 'name' | 'sid' | 'participants'>> = {},
  ): FakeRoom {
    if (!name) throw new TwirpFault('invalid_argument', 'room name is required');
    const existing = this.rooms.get(name);
    if (existing) return existing;
    const room: FakeRoom = {
      sid: id('RM_'),
      name,
      createdAtMs: this.now(),
      emptyTimeout: settings.emptyTimeout ?? 300,
      departureTimeout: settings.departureTimeout ?? 20,
      maxParticipants: settings.maxParticipants ?? 0,
      metadata: settings.metadata ?? '',
      participants: new Map(),
    };
    this.rooms.set(name, room);
    this.emit({ event: 'room_started', room: roomJson(room) });
    return room;
  }

  /** Closes the room: everyone leaves and its egresses complete, as when LiveKit ends a room. */
  deleteRoom(name: string): void {
    const room = this.requireRoom(name);
    for (const identity of [...room.participants.keys()]) this.leave(name, identity);
    for (const egress of this.egresses.values()) {
      if (egress.roomName === name && !TERMINAL.has(egress.status))
        this.finish(egress, 'EGRESS_COMPLETE', '');
    }
    this.rooms.delete(name);
    this.emit({ event: 'room_finished', room: roomJson(room) });
  }

  requireRoom(name: string): FakeRoom {
    const room = this.rooms.get(name);
    if (!room) throw new TwirpFault('not_found', 'requested room does not exist');
    return room;
  }

  /** A browser joins (creating the room on first join, as LiveKit does). */
  join(roomName: string, identity: string, name = ''): FakeParticipant {
    if (!identity) throw new TwirpFault('invalid_argument', 'identity is required');
    const room = this.createRoom(roomName);
    const existing = room.participants.get(identity);
    if (existing) return existing;
    const participant: FakeParticipant = {
      sid: id('PA_'),
      identity,
      name,
      joinedAt: Math.floor(this.now() / 1000),
      tracks: [],
    };
    room.participants.set(identity, participant);
    this.emit({
      event: 'participant_joined',
      room: roomJson(room),
      participant: participantJson(participant),
    });
    return participant;
  }

  publish(roomName: string, identity: string, source: TrackSourceName): FakeTrack {
    const room = this.requireRoom(roomName);
    const participant = room.participants.get(identity);
    if (!participant) throw new TwirpFault('not_found', 'participant is not in the room');
    const track: FakeTrack = {
      sid: id('TR_'),
      type: source === 'MICROPHONE' || source === 'SCREEN_SHARE_AUDIO' ? 'AUDIO' : 'VIDEO',
      source,
      name: source.toLowerCase(),
      muted: false,
    };
    participant.tracks.push(track);
    this.emit({
      event: 'track_published',
      room: roomJson(room),
      participant: participantJson(participant),
      track: trackJson(track),
    });
    return track;
  }

  leave(roomName: string, identity: string): void {
    const room = this.requireRoom(roomName);
    const participant = room.participants.get(identity);
    if (!participant) throw new TwirpFault('not_found', 'participant is not in the room');
    for (const track of participant.tracks.splice(0)) {
      this.emit({
        event: 'track_unpublished',
        room: roomJson(room),
        participant: participantJson(participant),
        track: trackJson(track),
      });
    }
    room.participants.delete(identity);
    this.emit({
      event: 'participant_left',
      room: roomJson(room),
      participant: participantJson(participant),
    });
  }

  // ---------------------------------------------------------- egress

  startEgress(input: StartEgressInput): ProtoJson {
    if (!input.roomName) throw new TwirpFault('invalid_argument', 'room_name is required');
    if (input.urls.length === 0)
      throw new TwirpFault('invalid_argument', 'no outputs: stream urls are required');
    for (const url of input.urls) assertRtmp(url);
    const room = this.requireRoom(input.roomName);
    const at = this.nowNs();
    const egress: FakeEgress = {
      egressId: id('EG_'),
      roomId: room.sid,
      roomName: room.name,
      kind: input.kind,
      options: input.options,
      status: 'EGRESS_STARTING',
      error: '',
      startedAt: 0n,
      endedAt: 0n,
      updatedAt: at,
      streams: [...new Set(input.urls)].map((url) => this.newStream(url, at)),
    };
    this.egresses.set(egress.egressId, egress);
    const answer = egressJson(egress);
    this.emit({ event: 'egress_started', egress_info: answer });
    if (this.autoAdvance) this.advanceEgress(egress.egressId);
    return answer;
  }

  /** STARTING -> ACTIVE (or FAILED if no destination works); ENDING -> COMPLETE. */
  advanceEgress(egressId: string): ProtoJson {
    const egress = this.requireEgress(egressId);
    if (egress.status === 'EGRESS_STARTING') {
      egress.status = 'EGRESS_ACTIVE';
      egress.startedAt = this.nowNs();
      egress.updatedAt = egress.startedAt;
      if (!this.failIfNoDestinationLeft(egress))
        this.emit({ event: 'egress_updated', egress_info: egressJson(egress) });
    } else if (egress.status === 'EGRESS_ENDING') {
      this.finish(egress, 'EGRESS_COMPLETE', '');
    }
    return egressJson(egress);
  }

  updateStream(egressId: string, add: string[], remove: string[]): ProtoJson {
    const egress = this.requireEgress(egressId);
    if (egress.status !== 'EGRESS_ACTIVE' && egress.status !== 'EGRESS_STARTING') {
      throw new TwirpFault('failed_precondition', `egress is ${egress.status}`);
    }
    for (const url of add) assertRtmp(url);
    for (const url of remove) {
      if (!egress.streams.some((s) => s.url === url)) {
        throw new TwirpFault(
          'invalid_argument',
          'stream url to remove is not an output of this egress',
        );
      }
    }
    const at = this.nowNs();
    for (const url of add) {
      const current = egress.streams.find((s) => s.url === url && s.status === 'ACTIVE');
      if (!current) egress.streams.push(this.newStream(url, at));
    }
    for (const url of remove) {
      for (const stream of egress.streams) {
        if (stream.url === url && stream.status === 'ACTIVE') {
          stream.status = 'FINISHED';
          stream.endedAt = at;
        }
      }
    }
    egress.updatedAt = at;
    if (!this.failIfNoDestinationLeft(egress))
      this.emit({ event: 'egress_updated', egress_info: egressJson(egress) });
    return egressJson(egress);
  }

  stopEgress(egressId: string): ProtoJson {
    const egress = this.requireEgress(egressId);
    if (TERMINAL.has(egress.status) || egress.status === 'EGRESS_ENDING') {
      throw new TwirpFault('failed_precondition', `egress is ${egress.status}`);
    }
    egress.status = 'EGRESS_ENDING';
    egress.updatedAt = this.nowNs();
    const answer = egressJson(egress);
    this.emit({ event: 'egress_updated', egress_info: answer });
    if (this.autoAdvance) this.advanceEgress(egressId);
    return answer;
  }

  /** The egress itself breaks (encoder crash, room gone): EGRESS_FAILED with `error`. */
  failEgress(egressId: string, error: string): ProtoJson {
    const egress = this.requireEgress(egressId);
    if (!TERMINAL.has(egress.status)) this.finish(egress, 'EGRESS_FAILED', error);
    return egressJson(egress);
  }

  /** Destinations starting with `urlPrefix` fail now (if active) and whenever added later. */
  failUrl(urlPrefix: string, error: string): void {
    this.failingUrls.set(urlPrefix, error);
    const at = this.nowNs();
    for (const egress of this.egresses.values()) {
      if (TERMINAL.has(egress.status)) continue;
      const hit = egress.streams.filter(
        (s) => s.status === 'ACTIVE' && s.url.startsWith(urlPrefix),
      );
      if (hit.length === 0) continue;
      for (const stream of hit) Object.assign(stream, { status: 'FAILED', error, endedAt: at });
      egress.updatedAt = at;
      if (!this.failIfNoDestinationLeft(egress))
        this.emit({ event: 'egress_updated', egress_info: egressJson(egress) });
    }
  }

  listEgress(filter: { roomName?: string; egressId?: string; active?: boolean }): ProtoJson[] {
    return [...this.egresses.values()]
      .filter((e) => !filter.roomName || e.roomName === filter.roomName)
      .filter((e) => !filter.egressId || e.egressId === filter.egressId)
      .filter((e) => !filter.active || !TERMINAL.has(e.status))
      .map(egressJson);
  }

  requireEgress(egressId: string): FakeEgress {
    const egress = this.egresses.get(egressId);
    if (!egress) throw new TwirpFault('not_found', 'egress does not exist');
    return egress;
  }

  private newStream(url: string, at: bigint): FakeStream {
    const error = this.failureFor(url);
    return error === undefined
      ? { url, status: 'ACTIVE', error: '', startedAt: at, endedAt: 0n }
      : { url, status: 'FAILED', error, startedAt: at, endedAt: at };
  }

  private failureFor(url: string): string | undefined {
    for (const [prefix, error] of this.failingUrls) if (url.startsWith(prefix)) return error;
    return undefined;
  }

  /** An active egress with no working destination left has failed, as in LiveKit egress. */
  private failIfNoDestinationLeft(egress: FakeEgress): boolean {
    if (egress.status !== 'EGRESS_ACTIVE') return false;
    if (egress.streams.some((s) => s.status === 'ACTIVE')) return false;
    if (!egress.streams.some((s) => s.status === 'FAILED')) return false;
    this.finish(egress, 'EGRESS_FAILED', 'all stream outputs failed');
    return true;
  }

  private finish(egress: FakeEgress, status: EgressStatusName, error: string): void {
    const at = this.nowNs();
    for (const stream of egress.streams) {
      if (stream.status === 'ACTIVE') {
        stream.status = status === 'EGRESS_FAILED' ? 'FAILED' : 'FINISHED';
        stream.endedAt = at;
        if (status === 'EGRESS_FAILED') stream.error = error;
      }
    }
    egress.status = status;
    egress.error = error;
    egress.endedAt = at;
    egress.updatedAt = at;
    this.emit({ event: 'egress_ended', egress_info: egressJson(egress) });
  }

  private nowNs(): bigint {
    return BigInt(Math.floor(this.now())) * 1_000_000n;
  }
}

function assertRtmp(url: string): void {
  if (!/^rtmps?:\/\/[^/\s]+\/\S+$/.test(url)) {
    throw new TwirpFault('invalid_argument', 'stream output urls must be rtmp:// or rtmps://');
  }
}

function id(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('base64url')}`;
}

// ---------------------------------------------------------- proto JSON (snake_case names)

/** int64 fields are JSON strings in proto3 JSON. */
const i64 = (n: bigint | number): string => String(n);

export function roomJson(room: FakeRoom): ProtoJson {
  const publishers = [...room.participants.values()].filter((p) => p.tracks.length > 0).length;
  return {
    sid: room.sid,
    name: room.name,
    empty_timeout: room.emptyTimeout,
    departure_timeout: room.departureTimeout,
    max_participants: room.maxParticipants,
    creation_time: i64(Math.floor(room.createdAtMs / 1000)),
    creation_time_ms: i64(room.createdAtMs),
    metadata: room.metadata,
    num_participants: room.participants.size,
    num_publishers: publishers,
    active_recording: false,
  };
}

export function participantJson(p: FakeParticipant): ProtoJson {
  return {
    sid: p.sid,
    identity: p.identity,
    state: 'ACTIVE',
    tracks: p.tracks.map(trackJson),
    metadata: '',
    joined_at: i64(p.joinedAt),
    name: p.name,
    is_publisher: p.tracks.length > 0,
    kind: 'STANDARD',
  };
}

export function trackJson(t: FakeTrack): ProtoJson {
  return { sid: t.sid, type: t.type, name: t.name, muted: t.muted, source: t.source };
}

export function egressJson(e: FakeEgress): ProtoJson {
  const streams = e.streams.map((s) => ({
    url: redactStreamUrl(s.url),
    started_at: i64(s.startedAt),
    ended_at: i64(s.endedAt),
    duration: i64(s.endedAt > 0n ? s.endedAt - s.startedAt : 0n),
    status: s.status,
    error: s.error,
  }));
  const request = {
    room_name: e.roomName,
    ...e.options,
    stream_outputs: [
      { protocol: 'RTMP', urls: [...new Set(e.streams.map((s) => redactStreamUrl(s.url)))] },
    ],
  };
  return {
    egress_id: e.egressId,
    room_id: e.roomId,
    room_name: e.roomName,
    source_type: e.kind === 'room_composite' ? 'EGRESS_SOURCE_TYPE_WEB' : 'EGRESS_SOURCE_TYPE_SDK',
    status: e.status,
    started_at: i64(e.startedAt),
    ended_at: i64(e.endedAt),
    updated_at: i64(e.updatedAt),
    [e.kind]: request,
    stream_results: streams,
    // The deprecated `stream` result, still filled by LiveKit for stream egress.
    stream: { info: streams },
    error: e.error,
  };
}
