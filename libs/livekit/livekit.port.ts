import type { ProviderError } from '../common/provider-error';

/**
 * LiveKit, as the service needs it for browser go-live (seed 002) and for restreaming a
 * LiveKit room to RTMP platforms through egress. Implemented over `livekit-server-sdk` in
 * `livekit.adapter.ts`; `fake/` holds a protocol-level fake server (Twirp JSON + webhooks).
 * Every method throws `ProviderError` on failure (see libs/common/provider-error.ts);
 * `receiveWebhook` throws its subclass `WebhookVerificationError`.
 */
export const LIVEKIT = Symbol('LIVEKIT');

// ---------------------------------------------------------------- tokens

export type TokenRole = 'creator' | 'viewer' | 'guest';

/** A token handed to a browser, with what it grants and when to fetch a new one. */
export interface IssuedToken {
  token: string;
  role: TokenRole;
  identity: string;
  room: string;
  /** What the browser connects to (`wss://…`). */
  wsUrl: string;
  issuedAt: Date;
  expiresAt: Date;
  /** Ask for a new token at this time: strictly before `expiresAt` (see `refreshBefore`). */
  refreshAt: Date;
}

export interface TokenOptions {
  /** Display name shown to others in the room. */
  name?: string;
  /** Overrides the adapter's `tokenTtlSeconds`. */
  ttlSeconds?: number;
}

// ---------------------------------------------------------------- egress

/** `livekit.EgressStatus`, lower-cased and without the `EGRESS_` prefix. */
export type EgressStatus =
  'starting' | 'active' | 'ending' | 'complete' | 'failed' | 'aborted' | 'limit_reached';

/** Statuses after which an egress never changes again. */
export const TERMINAL_EGRESS_STATUSES: readonly EgressStatus[] = [
  'complete',
  'failed',
  'aborted',
  'limit_reached',
];

/** `livekit.StreamInfo.Status`: one RTMP destination of an egress. */
export type StreamUrlStatus = 'active' | 'finished' | 'failed';

export interface EgressStreamInfo {
  /**
   * The destination as LiveKit reports it: the stream key is redacted
   * (`rtmp://host/app/{abc...xyz}`). Match it to a requested URL with `sameStreamUrl`.
   */
  url: string;
  status: StreamUrlStatus;
  error?: string;
  startedAt?: Date;
  endedAt?: Date;
}

export interface EgressInfo {
  egressId: string;
  roomName: string;
  status: EgressStatus;
  /** One entry per destination ever added, including removed (`finished`) ones. */
  streams: EgressStreamInfo[];
  error?: string;
  startedAt?: Date;
  endedAt?: Date;
  updatedAt?: Date;
}

export interface RoomCompositeOptions {
  layout?: string;
  audioOnly?: boolean;
  videoOnly?: boolean;
}

export interface TrackCompositeOptions {
  audioTrackId?: string;
  videoTrackId?: string;
}

export interface ListEgressFilter {
  roomName?: string;
  egressId?: string;
  /** Only egresses that are not yet terminal. */
  active?: boolean;
}

// ---------------------------------------------------------------- rooms

export interface RoomInfo {
  sid: string;
  name: string;
  numParticipants: number;
  numPublishers: number;
  createdAt?: Date;
  metadata?: string;
}

export interface CreateRoomOptions {
  emptyTimeoutSeconds?: number;
  departureTimeoutSeconds?: number;
  maxParticipants?: number;
  metadata?: string;
}

export type ParticipantState = 'joining' | 'joined' | 'active' | 'disconnected';

export type TrackKind = 'audio' | 'video' | 'data';
export type TrackSourceName =
  'camera' | 'microphone' | 'screen_share' | 'screen_share_audio' | 'unknown';

export interface TrackSummary {
  sid: string;
  kind: TrackKind;
  source: TrackSourceName;
  name?: string;
  muted: boolean;
}

export interface ParticipantSummary {
  sid: string;
  identity: string;
  name?: string;
  state: ParticipantState;
  isPublisher: boolean;
  tracks: TrackSummary[];
  joinedAt?: Date;
}

// ---------------------------------------------------------------- webhooks

export const LIVEKIT_WEBHOOK_EVENTS = [
  'room_started',
  'room_finished',
  'participant_joined',
  'participant_left',
  'track_published',
  'track_unpublished',
  'egress_started',
  'egress_updated',
  'egress_ended',
  'ingress_started',
  'ingress_ended',
] as const;

export type LiveKitWebhookEventName = (typeof LIVEKIT_WEBHOOK_EVENTS)[number];

/** A verified webhook. Events this code does not know arrive as `unknown`, with `rawEvent`. */
export interface LiveKitWebhookEvent {
  id: string;
  event: LiveKitWebhookEventName | 'unknown';
  rawEvent: string;
  createdAt: Date;
  room?: { sid: string; name: string };
  participant?: { sid: string; identity: string; name?: string };
  track?: TrackSummary;
  egress?: EgressInfo;
  ingress?: { ingressId: string; roomName: string };
}

export type WebhookRejection =
  'missing_signature' | 'bad_signature' | 'body_mismatch' | 'malformed';

// ---------------------------------------------------------------- the port

export interface LiveKitPort {
  /** What browsers connect to. */
  readonly wsUrl: string;
  /** The one room a creator publishes to (room = the creator's user id). */
  roomNameForUser(userId: string): string;

  /** canPublish, canPublishData, canSubscribe in the creator's own room; identity = userId. */
  createCreatorToken(userId: string, options?: TokenOptions): Promise<IssuedToken>;
  /** Subscribe-only (canPublish=false) in the host's room; identity = viewerId. */
  createViewerToken(
    viewerId: string,
    hostUserId: string,
    options?: TokenOptions,
  ): Promise<IssuedToken>;
  /** Subscribe-only in the host's room; identity `guest-<random>`. */
  createGuestToken(hostUserId: string, options?: TokenOptions): Promise<IssuedToken>;

  /**
   * Verifies the `Authorization` JWT (its `sha256` claim must match the raw body) and parses
   * the event. Throws `WebhookVerificationError` (a `ProviderError`, kind `rejected`) whose
   * `reason` says why; controllers answer 401 to it.
   */
  receiveWebhook(rawBody: string, authHeader: string | undefined): Promise<LiveKitWebhookEvent>;

  /** Streams the composited room to every URL (RTMP/RTMPS). Not retried once sent (no duplicates). */
  startRoomCompositeEgress(
    room: string,
    rtmpUrls: readonly string[],
    options?: RoomCompositeOptions,
  ): Promise<EgressInfo>;
  startTrackCompositeEgress(
    room: string,
    rtmpUrls: readonly string[],
    tracks: TrackCompositeOptions,
  ): Promise<EgressInfo>;
  /** Adds and removes destinations of a running stream egress (unredacted URLs). */
  updateStream(
    egressId: string,
    addUrls: readonly string[],
    removeUrls: readonly string[],
  ): Promise<EgressInfo>;
  /** Idempotent: stopping an egress that already ended returns its final info. */
  stopEgress(egressId: string): Promise<EgressInfo>;
  listEgress(filter?: ListEgressFilter): Promise<EgressInfo[]>;

  /** Idempotent on LiveKit's side: creating an existing room returns it. */
  createRoom(name: string, options?: CreateRoomOptions): Promise<RoomInfo>;
  /** Idempotent: a room that does not exist counts as deleted. */
  deleteRoom(name: string): Promise<void>;
  listRooms(names?: readonly string[]): Promise<RoomInfo[]>;
  listParticipants(room: string): Promise<ParticipantSummary[]>;
}

export type { ProviderError };
