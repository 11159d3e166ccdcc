import {
  EgressClient,
  RoomServiceClient,
  StreamOutput,
  StreamProtocol,
  WebhookReceiver,
  type WebhookEvent,
} from 'livekit-server-sdk';
import { ProviderError, isProviderError } from '../common/provider-error';
import {
  LIVEKIT_PROVIDER,
  WebhookVerificationError,
  neverReachedServer,
  toProviderError,
} from './livekit-error.mapper';
import { egressFromSdk, participantFromSdk, roomFromSdk, webhookFromSdk } from './livekit.mappers';
import type {
  CreateRoomOptions,
  EgressInfo,
  IssuedToken,
  ListEgressFilter,
  LiveKitPort,
  LiveKitWebhookEvent,
  ParticipantSummary,
  RoomCompositeOptions,
  RoomInfo,
  TokenOptions,
  TrackCompositeOptions,
} from './livekit.port';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry-policy';
import { isRtmpUrl } from './stream-url';
import {
  DEFAULT_REFRESH_POLICY,
  creatorSpec,
  guestSpec,
  mintToken,
  refreshBefore,
  viewerSpec,
  type MintedToken,
  type RefreshPolicy,
  type TokenSpec,
} from './token.service';

export interface LiveKitAdapterOptions {
  /** HTTP(S) URL of the server API, e.g. `https://my.livekit.cloud` or the fake's URL. */
  host: string;
  /** What browsers connect to, e.g. `wss://my.livekit.cloud`. */
  wsUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Lifetime of browser tokens. Default 1 hour. */
  tokenTtlSeconds?: number;
  refreshPolicy?: RefreshPolicy;
  /** SDK per-request timeout. Default 10 s (the SDK's). */
  requestTimeoutSeconds?: number;
  retry?: RetryPolicy;
  /** Webhook clock tolerance for `nbf`/`exp`, in seconds. Default 10 (the SDK's). */
  webhookClockToleranceSeconds?: number;
}

type Idempotency = 'idempotent' | 'once';

export class LiveKitAdapter implements LiveKitPort {
  readonly wsUrl: string;
  private readonly egress: EgressClient;
  private readonly rooms: RoomServiceClient;
  private readonly receiver: WebhookReceiver;
  private readonly ttlSeconds: number;
  private readonly refreshPolicy: RefreshPolicy;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: LiveKitAdapterOptions) {
    if (!options.apiKey || !options.apiSecret) {
      // The SDK would silently fall back to LIVEKIT_API_KEY/SECRET from the environment.
      throw new RangeError('LiveKit apiKey and apiSecret are required');
    }
    this.wsUrl = options.wsUrl;
    this.ttlSeconds = options.tokenTtlSeconds ?? 3600;
    this.refreshPolicy = options.refreshPolicy ?? DEFAULT_REFRESH_POLICY;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    const clientOptions = { requestTimeout: options.requestTimeoutSeconds };
    this.egress = new EgressClient(options.host, options.apiKey, options.apiSecret, clientOptions);
    this.rooms = new RoomServiceClient(
      options.host,
      options.apiKey,
      options.apiSecret,
      clientOptions,
    );
    this.receiver = new WebhookReceiver(options.apiKey, options.apiSecret);
  }

  roomNameForUser(userId: string): string {
    return userId;
  }

  // ------------------------------------------------------------ tokens

  createCreatorToken(userId: string, options: TokenOptions = {}): Promise<IssuedToken> {
    const ttl = options.ttlSeconds ?? this.ttlSeconds;
    return this.issue(() => creatorSpec(userId, this.roomNameForUser(userId), ttl, options.name));
  }

  createViewerToken(
    viewerId: string,
    hostUserId: string,
    options: TokenOptions = {},
  ): Promise<IssuedToken> {
    const ttl = options.ttlSeconds ?? this.ttlSeconds;
    return this.issue(() =>
      viewerSpec(viewerId, this.roomNameForUser(hostUserId), ttl, options.name),
    );
  }

  createGuestToken(hostUserId: string, options: TokenOptions = {}): Promise<IssuedToken> {
    const ttl = options.ttlSeconds ?? this.ttlSeconds;
    return this.issue(() => guestSpec(this.roomNameForUser(hostUserId), ttl, options.name));
  }

  private async issue(build: () => TokenSpec): Promise<IssuedToken> {
    let spec: TokenSpec;
    let minted: MintedToken;
    try {
      spec = build();
      minted = await mintToken(this.options, spec);
    } catch (err) {
      // Only bad input gets here (empty id, bad TTL): signing itself is local and cannot fail.
      throw new ProviderError(
        LIVEKIT_PROVIDER,
        'rejected',
        `LiveKit token not issued: ${messageOf(err)}`,
        {
          cause: err,
        },
      );
    }
    return {
      token: minted.token,
      role: spec.role,
      identity: spec.identity,
      room: spec.room,
      wsUrl: this.wsUrl,
      issuedAt: minted.issuedAt,
      expiresAt: minted.expiresAt,
      refreshAt: refreshBefore(minted.issuedAt, minted.expiresAt, this.refreshPolicy),
    };
  }

  // ------------------------------------------------------------ webhooks

  async receiveWebhook(
    rawBody: string,
    authHeader: string | undefined,
  ): Promise<LiveKitWebhookEvent> {
    // Some proxies and clients add "Bearer "; LiveKit itself sends the bare JWT.
    const token = authHeader?.trim().replace(/^Bearer(\s+|$)/i, '');
    if (!token) throw new WebhookVerificationError('missing_signature');
    let event: WebhookEvent;
    try {
      event = await this.receiver.receive(
        rawBody,
        token,
        false,
        this.options.webhookClockToleranceSeconds,
      );
    } catch (err) {
      throw new WebhookVerificationError(rejectionOf(err), err);
    }
    return webhookFromSdk(event);
  }

  // ------------------------------------------------------------ egress

  async startRoomCompositeEgress(
    room: string,
    rtmpUrls: readonly string[],
    options: RoomCompositeOptions = {},
  ): Promise<EgressInfo> {
    const stream = this.streamOutput(rtmpUrls);
    return this.call('startRoomCompositeEgress', 'once', async () =>
      egressFromSdk(
        await this.egress.startRoomCompositeEgress(
          room,
          { stream },
          { layout: options.layout, audioOnly: options.audioOnly, videoOnly: options.videoOnly },
        ),
      ),
    );
  }

  async startTrackCompositeEgress(
    room: string,
    rtmpUrls: readonly string[],
    tracks: TrackCompositeOptions,
  ): Promise<EgressInfo> {
    const stream = this.streamOutput(rtmpUrls);
    return this.call('startTrackCompositeEgress', 'once', async () =>
      egressFromSdk(
        await this.egress.startTrackCompositeEgress(
          room,
          { stream },
          { audioTrackId: tracks.audioTrackId, videoTrackId: tracks.videoTrackId },
        ),
      ),
    );
  }

  async updateStream(
    egressId: string,
    addUrls: readonly string[],
    removeUrls: readonly string[],
  ): Promise<EgressInfo> {
    this.assertRtmp(addUrls);
    // Re-adding a present URL or removing a gone one is harmless, so a resend is safe.
    return this.call('updateStream', 'idempotent', async () =>
      egressFromSdk(await this.egress.updateStream(egressId, [...addUrls], [...removeUrls])),
    );
  }

  async stopEgress(egressId: string): Promise<EgressInfo> {
    try {
      return await this.call('stopEgress', 'idempotent', async () =>
        egressFromSdk(await this.egress.stopEgress(egressId)),
      );
    } catch (err) {
      // LiveKit refuses to stop an egress that already ended (failed_precondition); for the
      // caller that is success, so answer with the egress's final state.
      if (isProviderError(err, 'rejected') && err.status === 412) {
        const [ended] = await this.listEgress({ egressId });
        if (ended) return ended;
      }
      throw err;
    }
  }

  listEgress(filter: ListEgressFilter = {}): Promise<EgressInfo[]> {
    return this.call('listEgress', 'idempotent', async () =>
      (
        await this.egress.listEgress({
          roomName: filter.roomName,
          egressId: filter.egressId,
          active: filter.active,
        })
      ).map(egressFromSdk),
    );
  }

  // ------------------------------------------------------------ rooms

  createRoom(name: string, options: CreateRoomOptions = {}): Promise<RoomInfo> {
    return this.call('createRoom', 'idempotent', async () =>
      roomFromSdk(
        await this.rooms.createRoom({
          name,
          emptyTimeout: options.emptyTimeoutSeconds,
          departureTimeout: options.departureTimeoutSeconds,
          maxParticipants: options.maxParticipants,
          metadata: options.metadata,
        }),
      ),
    );
  }

  async deleteRoom(name: string): Promise<void> {
    try {
      await this.call('deleteRoom', 'idempotent', () => this.rooms.deleteRoom(name));
    } catch (err) {
      if (!isProviderError(err, 'not_found')) throw err;
    }
  }

  listRooms(names?: readonly string[]): Promise<RoomInfo[]> {
    return this.call('listRooms', 'idempotent', async () =>
      (await this.rooms.listRooms(names ? [...names] : undefined)).map(roomFromSdk),
    );
  }

  listParticipants(room: string): Promise<ParticipantSummary[]> {
    return this.call('listParticipants', 'idempotent', async () =>
      (await this.rooms.listParticipants(room)).map(participantFromSdk),
    );
  }

  // ------------------------------------------------------------ plumbing

  private streamOutput(rtmpUrls: readonly string[]): StreamOutput {
    if (rtmpUrls.length === 0) {
      throw new ProviderError(
        LIVEKIT_PROVIDER,
        'rejected',
        'LiveKit egress needs at least one RTMP URL',
      );
    }
    this.assertRtmp(rtmpUrls);
    return new StreamOutput({ protocol: StreamProtocol.RTMP, urls: [...rtmpUrls] });
  }

  private assertRtmp(urls: readonly string[]): void {
    // The message names the position only: the URL itself holds a stream key.
    const bad = urls.findIndex((u) => !isRtmpUrl(u));
    if (bad >= 0) {
      throw new ProviderError(
        LIVEKIT_PROVIDER,
        'rejected',
        `LiveKit egress URL #${bad + 1} is not an rtmp(s) URL`,
      );
    }
  }

  /** Idempotent calls retry every transient failure; others only what never reached LiveKit. */
  private call<T>(operation: string, idempotency: Idempotency, fn: () => Promise<T>): Promise<T> {
    return withRetry(
      this.retry,
      fn,
      (err) => (idempotency === 'idempotent' ? err.transient : neverReachedServer(err)),
      (err) => toProviderError(operation, err),
    );
  }
}

function rejectionOf(err: unknown): 'bad_signature' | 'body_mismatch' | 'malformed' {
  const message = err instanceof Error ? err.message : '';
  if (message.includes('sha256')) return 'body_mismatch';
  // jose errors (bad signature, wrong issuer, expired) all carry a `code` starting ERR_J.
  if (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    String(err.code).startsWith('ERR_J')
  ) {
    return 'bad_signature';
  }
  return 'malformed';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : 'invalid token request';
}
