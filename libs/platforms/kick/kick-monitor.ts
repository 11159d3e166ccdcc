import Pusher, { type Channel } from 'pusher-js';
import { EchoGuard } from '../common/echo-guard';
import { field, str } from '../common/http-json';
import type { ResolvedMonitorOptions } from '../common/monitor-options';
import { MonitorRuntime } from '../common/monitor-runtime';
import type {
  PlatformAccount,
  PlatformMonitorHandle,
  PlatformMonitorSink,
  SendResult,
} from '../platform-chat.port';
import { KickApiClient } from './kick-api.client';
import type { ResolvedKickOptions } from './kick-chat.options';
import { kickCloseAction } from './kick-close-code';
import { kickEvent } from './kick-event-mapper';

/** The close code in a pusher-js `error` event: `{data:{code}}` or `{error:{data:{code}}}`. */
function closeCodeOf(err: unknown): { code: number; message?: string } | undefined {
  for (const candidate of [field(err, 'data'), field(field(err, 'error'), 'data')]) {
    const code = field(candidate, 'code');
    if (typeof code === 'number') return { code, message: str(field(candidate, 'message')) };
  }
  return undefined;
}

/** A pusher-js client that does not connect yet (in Node it would from its constructor). */
function createPusher(options: ResolvedKickOptions): Pusher {
  const ready = Pusher.isReady;
  Pusher.isReady = false;
  try {
    return new Pusher(options.pusherKey, {
      cluster: options.pusherCluster,
      ...(options.wsHost ? { wsHost: options.wsHost } : {}),
      ...(options.wsPort ? { wsPort: options.wsPort, wssPort: options.wsPort } : {}),
      forceTLS: options.forceTLS,
      // The WebSocket transport only (no HTTP fallbacks); TLS follows forceTLS.
      enabledTransports: ['ws'],
      unavailableTimeout: options.connectTimeoutMs,
    });
  } finally {
    Pusher.isReady = ready;
  }
}

/**
 * One streamer's Kick chat: pusher-js subscribed to `chatrooms.<id>.v2`, plus the public API
 * for viewers and sending. pusher-js speaks the protocol (handshake, subscribe, ping/pong)
 * and classifies close codes; we take over the reconnect itself so timing follows our
 * backoff (with jitter and a failure cap) like every other platform, instead of pusher-js's
 * fixed 1 s retry and endless loop against a dead host.
 */
export class KickMonitor implements PlatformMonitorHandle {
  private readonly runtime: MonitorRuntime;
  private readonly api: KickApiClient;
  private readonly echo = new EchoGuard();
  private readonly slug: string;
  private readonly pusher: Pusher;
  private chatroomId: string | undefined;
  private broadcasterUserId: string | undefined;
  private channel: Channel | undefined;
  /** Set while we drive pusher-js ourselves, so its state changes are not read as losses. */
  private driving = false;
  /** The current attempt's loss has been handled (pusher-js reports one close twice). */
  private lossHandled = true;

  constructor(
    account: PlatformAccount,
    sink: PlatformMonitorSink,
    private readonly options: ResolvedKickOptions,
    common: ResolvedMonitorOptions,
  ) {
    this.slug = account.channel.toLowerCase();
    this.chatroomId = account.extra?.chatroomId;
    this.broadcasterUserId = account.extra?.broadcasterUserId;
    this.runtime = new MonitorRuntime('kick', sink, common, () => [account.accessToken]);
    this.api = new KickApiClient(options, account.accessToken);
    this.pusher = createPusher(options);
    this.wire();
  }

  async start(): Promise<void> {
    this.runtime.report('connecting');
    await this.runtime.run(() => this.connect());
    if (this.api.hasToken) this.pollViewers(0);
  }

  async send(text: string): Promise<SendResult> {
    if (!this.api.hasToken)
      return { ok: false, error: "sending to Kick needs the streamer's token" };
    this.echo.expectText(text);
    try {
      this.broadcasterUserId ??= (await this.api.channel(this.slug)).broadcasterUserId;
      const id = await this.api.sendChat(this.broadcasterUserId, text);
      if (id) this.echo.rememberId(id);
      return { ok: true, platformMessageId: id };
    } catch (err) {
      return { ok: false, error: this.runtime.describe(err) };
    }
  }

  async stop(): Promise<void> {
    this.runtime.stop();
    this.pusher.unbind_all();
    this.pusher.connection.unbind_all();
    this.drive(() => this.pusher.disconnect());
    // pusher-js keeps every instance in a static list for `Pusher.ready()`; drop ours.
    const index = Pusher.instances.indexOf(this.pusher);
    if (index >= 0) Pusher.instances.splice(index, 1);
  }

  /** Resolves the chatroom (once), then opens one Pusher connection attempt. */
  private async connect(): Promise<void> {
    if (this.runtime.isStopped) return;
    if (!this.chatroomId) {
      try {
        this.chatroomId = await this.api.chatroomId(this.slug);
      } catch (err) {
        this.retryAfterLoss(`chatroom lookup failed: ${this.runtime.describe(err)}`);
        return;
      }
    }
    if (!this.channel) this.subscribe(`chatrooms.${this.chatroomId}.v2`);
    this.lossHandled = false;
    this.drive(() => {
      // Also cancels any retry timer pusher-js armed after a handshake-time close.
      this.pusher.disconnect();
      this.pusher.connect();
    });
  }

  private drive(fn: () => void): void {
    this.driving = true;
    try {
      fn();
    } finally {
      this.driving = false;
    }
  }

  private subscribe(name: string): void {
    // subscribe() before connect() is queued; pusher-js re-subscribes after every reconnect.
    const channel = this.pusher.subscribe(name);
    channel.bind('pusher:subscription_succeeded', () => this.runtime.connected());
    channel.bind_global((eventName: string, data: unknown) => this.onEvent(eventName, data));
    this.channel = channel;
  }

  private wire(): void {
    const connection = this.pusher.connection;
    connection.bind('error', (err: unknown) => {
      const close = closeCodeOf(err);
      // Only closes end the connection; other errors (bad frames) are reported by state.
      if (close) this.onLost(close.code, close.message);
    });
    connection.bind('state_change', (change: { previous: string; current: string }) => {
      if (this.driving || this.runtime.isStopped) return;
      if (change.current === 'unavailable') {
        this.onLost(undefined, `no connection after ${this.options.connectTimeoutMs} ms`);
      } else if (change.current === 'connecting' && this.lossHandled) {
        // A retry timer pusher-js armed itself while ours is pending: ours wins.
        this.drive(() => this.pusher.disconnect());
      } else if (change.current === 'connecting' || change.current === 'disconnected') {
        // pusher-js decided on its own (pong timeout, a clean close): take the decision over.
        this.onLost(undefined, 'connection lost');
      } else if (change.current === 'failed') {
        this.runtime.report('failed', 'WebSocket transport not available');
      }
    });
  }

  /** Acts on a lost connection exactly once per attempt, synchronously so pusher-js's own
   * retry timers are never armed (it unbinds the connection before they would be). */
  private onLost(code: number | undefined, message: string | undefined): void {
    if (this.lossHandled || this.runtime.isStopped) return;
    this.lossHandled = true;
    const socket = field(field(field(this.pusher.connection, 'connection'), 'transport'), 'socket');
    this.drive(() => this.pusher.disconnect());
    // Closing the already-closed socket arms faye-websocket's 30 s close timer, which nothing
    // clears; it is a no-op when it fires, so only let it not hold the process open.
    const unref = field(field(socket, '_closeTimer'), 'unref');
    if (typeof unref === 'function') unref.call(field(socket, '_closeTimer'));
    const why =
      code === undefined
        ? (message ?? 'connection lost')
        : `closed ${code}${message ? ` (${message})` : ''}`;
    const action = kickCloseAction(code);
    if (action === 'refused') {
      this.runtime.report('failed', `Kick refused the connection: ${why}`);
      return;
    }
    if (action === 'retry') {
      this.runtime.report('reconnecting', `${why}; reconnecting now`);
      this.runtime.schedule(0, () => this.connect());
      return;
    }
    this.retryAfterLoss(why);
  }

  private retryAfterLoss(reason: string): void {
    const delay = this.runtime.connectionLost(reason);
    if (delay !== undefined) this.runtime.schedule(delay, () => this.connect());
  }

  private onEvent(eventName: string, data: unknown): void {
    if (eventName.startsWith('pusher:') || eventName.startsWith('pusher_internal:')) return;
    this.runtime.guard(() => {
      const event = kickEvent(eventName, data);
      if (!event) return;
      if (event.type === 'message') {
        const fromSelf =
          event.author.name.toLowerCase() === this.slug ||
          (this.broadcasterUserId !== undefined && event.author.id === this.broadcasterUserId);
        if (this.echo.isEcho(event.platformMessageId, fromSelf, event.text)) return;
      }
      this.runtime.emit(event);
    });
  }

  private pollViewers(delay: number): void {
    this.runtime.schedule(delay, async () => {
      try {
        const info = await this.api.channel(this.slug);
        this.broadcasterUserId ??= info.broadcasterUserId;
        this.runtime.viewers(info.viewerCount);
      } catch (err) {
        this.runtime.internalError('viewers', err);
      }
      this.pollViewers(this.options.viewerPollMs);
    });
  }
}
