import {
  EgressStatus as SdkEgressStatus,
  ParticipantInfo_State,
  TrackSource,
  TrackType,
  type EgressInfo as SdkEgressInfo,
  type ParticipantInfo,
  type Room,
  type TrackInfo,
  type WebhookEvent,
} from 'livekit-server-sdk';
import {
  LIVEKIT_WEBHOOK_EVENTS,
  type EgressInfo,
  type EgressStatus,
  type EgressStreamInfo,
  type LiveKitWebhookEvent,
  type LiveKitWebhookEventName,
  type ParticipantState,
  type ParticipantSummary,
  type RoomInfo,
  type StreamUrlStatus,
  type TrackKind,
  type TrackSourceName,
  type TrackSummary,
} from './livekit.port';

/** SDK (protobuf) objects to the port's plain types. Pure, so they are easy to test. */

const EGRESS_STATUS: Record<SdkEgressStatus, EgressStatus> = {
  [SdkEgressStatus.EGRESS_STARTING]: 'starting',
  [SdkEgressStatus.EGRESS_ACTIVE]: 'active',
  [SdkEgressStatus.EGRESS_ENDING]: 'ending',
  [SdkEgressStatus.EGRESS_COMPLETE]: 'complete',
  [SdkEgressStatus.EGRESS_FAILED]: 'failed',
  [SdkEgressStatus.EGRESS_ABORTED]: 'aborted',
  [SdkEgressStatus.EGRESS_LIMIT_REACHED]: 'limit_reached',
};

// livekit.StreamInfo.Status: the SDK does not re-export this enum, so its numbers are listed.
const STREAM_STATUS: Record<number, StreamUrlStatus> = { 0: 'active', 1: 'finished', 2: 'failed' };

export function egressStatusFromSdk(status: SdkEgressStatus): EgressStatus {
  // An enum value newer than this code: treat it as not-yet-terminal and let reconcile decide.
  return EGRESS_STATUS[status] ?? 'active';
}

export function egressFromSdk(info: SdkEgressInfo): EgressInfo {
  return {
    egressId: info.egressId,
    roomName: info.roomName,
    status: egressStatusFromSdk(info.status),
    streams: info.streamResults.map((s): EgressStreamInfo =>
      withoutUndefined({
        url: s.url,
        status: STREAM_STATUS[s.status] ?? 'active',
        error: s.error || undefined,
        startedAt: fromNanos(s.startedAt),
        endedAt: fromNanos(s.endedAt),
      }),
    ),
    ...withoutUndefined({
      error: info.error || undefined,
      startedAt: fromNanos(info.startedAt),
      endedAt: fromNanos(info.endedAt),
      updatedAt: fromNanos(info.updatedAt),
    }),
  };
}

export function roomFromSdk(room: Room): RoomInfo {
  return {
    sid: room.sid,
    name: room.name,
    numParticipants: room.numParticipants,
    numPublishers: room.numPublishers,
    ...withoutUndefined({
      createdAt:
        room.creationTimeMs > 0n
          ? new Date(Number(room.creationTimeMs))
          : fromSeconds(room.creationTime),
      metadata: room.metadata || undefined,
    }),
  };
}

const PARTICIPANT_STATE: Record<ParticipantInfo_State, ParticipantState> = {
  [ParticipantInfo_State.JOINING]: 'joining',
  [ParticipantInfo_State.JOINED]: 'joined',
  [ParticipantInfo_State.ACTIVE]: 'active',
  [ParticipantInfo_State.DISCONNECTED]: 'disconnected',
};

export function participantFromSdk(p: ParticipantInfo): ParticipantSummary {
  return {
    sid: p.sid,
    identity: p.identity,
    state: PARTICIPANT_STATE[p.state] ?? 'active',
    isPublisher: p.isPublisher,
    tracks: p.tracks.map(trackFromSdk),
    ...withoutUndefined({ name: p.name || undefined, joinedAt: fromSeconds(p.joinedAt) }),
  };
}

const TRACK_KIND: Record<TrackType, TrackKind> = {
  [TrackType.AUDIO]: 'audio',
  [TrackType.VIDEO]: 'video',
  [TrackType.DATA]: 'data',
};

const TRACK_SOURCE: Partial<Record<TrackSource, TrackSourceName>> = {
  [TrackSource.CAMERA]: 'camera',
  [TrackSource.MICROPHONE]: 'microphone',
  [TrackSource.SCREEN_SHARE]: 'screen_share',
  [TrackSource.SCREEN_SHARE_AUDIO]: 'screen_share_audio',
};

export function trackFromSdk(t: TrackInfo): TrackSummary {
  return {
    sid: t.sid,
    kind: TRACK_KIND[t.type] ?? 'data',
    source: TRACK_SOURCE[t.source] ?? 'unknown',
    muted: t.muted,
    ...withoutUndefined({ name: t.name || undefined }),
  };
}

function isKnownEvent(name: string): name is LiveKitWebhookEventName {
  return (LIVEKIT_WEBHOOK_EVENTS as readonly string[]).includes(name);
}

export function webhookFromSdk(e: WebhookEvent): LiveKitWebhookEvent {
  return {
    id: e.id,
    event: isKnownEvent(e.event) ? e.event : 'unknown',
    rawEvent: e.event,
    createdAt: fromSeconds(e.createdAt) ?? new Date(0),
    ...withoutUndefined({
      room: e.room ? { sid: e.room.sid, name: e.room.name } : undefined,
      participant: e.participant
        ? withoutUndefined({
            sid: e.participant.sid,
            identity: e.participant.identity,
            name: e.participant.name || undefined,
          })
        : undefined,
      track: e.track ? trackFromSdk(e.track) : undefined,
      egress: e.egressInfo ? egressFromSdk(e.egressInfo) : undefined,
      ingress: e.ingressInfo
        ? { ingressId: e.ingressInfo.ingressId, roomName: e.ingressInfo.roomName }
        : undefined,
    }),
  };
}

/** Egress timestamps are Unix nanoseconds; 0 means "not yet". */
function fromNanos(ns: bigint): Date | undefined {
  return ns > 0n ? new Date(Number(ns / 1_000_000n)) : undefined;
}

function fromSeconds(s: bigint): Date | undefined {
  return s > 0n ? new Date(Number(s) * 1000) : undefined;
}

/** Optional fields are left out rather than set to undefined, so results compare cleanly. */
function withoutUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
