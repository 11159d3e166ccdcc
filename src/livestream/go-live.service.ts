import { Inject, Injectable, Logger } from '@nestjs/common';
import { isProviderError } from '../../libs/common/provider-error';
import { LIVEKIT, type IssuedToken, type LiveKitPort } from '../../libs/livekit';
import { OutputsService } from '../broadcasts/outputs.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiError } from '../common/errors/api-error';
import { EventBus } from '../events/event-bus';
import type { SessionActor } from '../sessions/session-actor';
import { SessionRegistry } from '../sessions/session-registry';
import { SessionStore } from '../sessions/session.store';
import { isPublishing } from './creator-presence';
import { LiveStreamRecords } from './live-stream.records';
import { liveSettingsOf } from './live-stream-settings';
import { askLiveKit, requireLiveKit } from './livekit-access';
import type {
  BrowserTokenView,
  EndStreamView,
  GoLiveView,
  SessionSummaryView,
  StreamStatusView,
} from './livestream.view';
import { noStream, StreamInfoService } from './stream-info.service';

/** How long end-stream waits for the session's cleanup before answering anyway. */
const END_WAIT_MAX_MS = 15_000;

/**
 * Browser go-live (seed 002) on top of the session actor.
 *
 * `isLive` is the streamer's intent: true from go-live (a publish token was issued) until
 * end-stream (P1, P2). The session state is the provider's truth: it becomes `ready` only
 * once LiveKit reports the creator's published track, `streaming` once restreaming to
 * platforms started, and it follows the creator leaving (grace period) like any encoder.
 */
@Injectable()
export class GoLiveService {
  private readonly logger = new Logger(GoLiveService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LIVEKIT) private readonly livekit: LiveKitPort | null,
    private readonly records: LiveStreamRecords,
    private readonly info: StreamInfoService,
    private readonly registry: SessionRegistry,
    private readonly store: SessionStore,
    private readonly outputs: OutputsService,
    private readonly events: EventBus,
  ) {}

  async goLive(userId: string): Promise<GoLiveView> {
    const stream = await this.records.find(userId);
    if (!stream?.title) throw noStream();
    const lk = requireLiveKit(this.livekit);
    // The owner's actor (another node's request is forwarded there): a node without the
    // actor must not switch the source of a stream that runs elsewhere.
    const actor = await this.registry.existing(userId);
    if (stream.source !== 'livekit' && actor && isBusy(actor)) {
      // Switching the source now would strand the running Cloudflare outputs.
      throw ApiError.conflict(
        'SESSION_BUSY',
        `You are live through your encoder (${describe(actor)}); stop that stream first`,
        { state: actor.state, substate: actor.substate },
      );
    }
    const roomId = lk.roomNameForUser(userId);
    const issued = await askLiveKit('prepare your room', async () => {
      await lk.createRoom(roomId);
      return lk.createCreatorToken(userId, { name: stream.title ?? undefined });
    });
    const wasLive = liveSettingsOf(stream);
    const row = await this.records.patch(userId, {
      source: 'livekit',
      settings: {
        isLive: true,
        liveSince: wasLive.isLive ? wasLive.liveSince : new Date().toISOString(),
      },
    });
    // The actor now follows LiveKit (webhooks, polling); `ready` comes with the first track.
    await this.registry.get(userId);
    return { ...tokenView(issued), stream: this.info.view(row) };
  }

  async endStream(userId: string): Promise<EndStreamView> {
    const stream = await this.records.find(userId);
    if (!stream) throw noStream();
    const actor = await this.registry.existing(userId);
    if (actor?.substate === 'starting') {
      throw ApiError.conflict(
        'SESSION_BUSY',
        'Restreaming is starting; end the stream once it is up',
        { state: actor.state, substate: actor.substate },
      );
    }
    // P2 first: the streamer's intent is recorded even if LiveKit is unreachable below.
    const row = await this.records.patch(userId, { settings: { isLive: false, liveSince: null } });
    if (stream.source === 'livekit') {
      if (actor?.state === 'streaming')
        actor.send({ type: 'STOP', by: 'user', reason: 'end-stream' });
      await this.settled(userId);
      await this.closeRoom(userId);
    }
    return {
      message: 'Stream ended',
      stream: this.info.view(row),
      session: summary(this.registry.peek(userId)),
    };
  }

  async status(userId: string): Promise<StreamStatusView> {
    const stream = await this.records.find(userId);
    if (!stream) throw noStream();
    const settings = liveSettingsOf(stream);
    const roomId = this.livekit?.roomNameForUser(userId) ?? userId;
    const presence = await this.presence(userId, stream.source === 'livekit');
    const actor = this.registry.peek(userId);
    const row = actor?.record ?? (await this.store.find(userId));
    return {
      userId,
      isLive: settings.isLive,
      liveSince: settings.liveSince,
      source: stream.source,
      roomId,
      publishing: presence?.publishing ?? null,
      viewerCount: presence?.viewers ?? null,
      session: row
        ? {
            state: row.state,
            ...(row.substate ? { substate: row.substate } : {}),
            stateSince: row.stateSince.toISOString(),
          }
        : null,
    };
  }

  /** Who is in the room; null when LiveKit cannot tell (the status still answers). */
  private async presence(
    userId: string,
    browser: boolean,
  ): Promise<{ publishing: boolean; viewers: number } | null> {
    if (!this.livekit) return null;
    try {
      const people = await this.livekit.listParticipants(this.livekit.roomNameForUser(userId));
      return {
        publishing: isPublishing(people, userId),
        viewers: people.filter((p) => p.identity !== userId && p.state !== 'disconnected').length,
      };
    } catch (err) {
      if (isProviderError(err, 'not_found')) return { publishing: false, viewers: 0 };
      if (browser) this.logger.warn({ err, userId }, 'LiveKit presence unavailable for status');
      return null;
    }
  }

  /** Stops any egress left outside a session's cleanup, deletes the room, tells the actor. */
  private async closeRoom(userId: string): Promise<void> {
    const lk = requireLiveKit(this.livekit);
    const actor = this.registry.peek(userId);
    if (!actor || !isBusy(actor)) {
      // Not streaming: no egress should exist; any found is a leak (what reconcile does too).
      await askLiveKit('stop the restream', () => this.outputs.removeStrays(userId));
    }
    await askLiveKit('close your room', () => lk.deleteRoom(lk.roomNameForUser(userId)));
    // The room is gone: that is the input's truth now, webhooks or not.
    actor?.send({
      type: 'INPUT',
      observation: { status: 'client_disconnect', at: new Date().toISOString(), source: 'livekit' },
    });
  }

  /** Resolves once the session is neither streaming nor ending, or after a bounded wait. */
  private settled(userId: string): Promise<void> {
    const done = () => {
      const actor = this.registry.peek(userId);
      return !actor || (actor.state !== 'streaming' && actor.state !== 'ending');
    };
    if (done()) return Promise.resolve();
    const waitMs = Math.min(this.config.session.cleanupTimeoutMs, END_WAIT_MAX_MS);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(finish, waitMs);
      const off = this.events.on('session.transition', (t) => {
        if (t.userId === userId && done()) finish();
      });
    });
  }
}

function isBusy(actor: SessionActor): boolean {
  return actor.state === 'streaming' || actor.state === 'ending' || actor.substate === 'starting';
}

function describe(actor: SessionActor): string {
  return actor.substate ? `${actor.state} (${actor.substate})` : actor.state;
}

function summary(actor: SessionActor | undefined): SessionSummaryView | null {
  if (!actor) return null;
  return {
    state: actor.state,
    ...(actor.substate ? { substate: actor.substate } : {}),
    stateSince: actor.record.stateSince.toISOString(),
  };
}

export function tokenView(t: IssuedToken): BrowserTokenView {
  return {
    token: t.token,
    wsUrl: t.wsUrl,
    roomId: t.room,
    identity: t.identity,
    role: t.role,
    expiresAt: t.expiresAt.toISOString(),
    refreshAt: t.refreshAt.toISOString(),
  };
}
