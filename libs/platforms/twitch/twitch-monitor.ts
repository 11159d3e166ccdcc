import { Client } from 'tmi.js';
import { EchoGuard } from '../common/echo-guard';
import { field, str } from '../common/http-json';
import type { ResolvedMonitorOptions } from '../common/monitor-options';
import { MonitorRuntime } from '../common/monitor-runtime';
import { SlidingWindowLimiter } from '../common/sliding-window-limiter';
import type {
  ChatEventType,
  NormalizedChatEvent,
  PlatformAccount,
  PlatformMonitorHandle,
  PlatformMonitorSink,
  SendResult,
} from '../platform-chat.port';
import type { ResolvedTwitchOptions } from './twitch-chat.options';
import { bitsOf, noticeText, twitchEvent } from './twitch-event-mapper';
import { TwitchHelixClient } from './twitch-helix.client';
import { viewerMessage } from './viewer-message';

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** One streamer's Twitch chat: a tmi.js client we reconnect ourselves, plus Helix polling. */
export class TwitchMonitor implements PlatformMonitorHandle {
  private readonly runtime: MonitorRuntime;
  private readonly helix: TwitchHelixClient;
  private readonly client: Client;
  private readonly echo = new EchoGuard();
  private readonly limiter: SlidingWindowLimiter;
  private readonly login: string;
  private readonly ackWaiters: ((id: string) => void)[] = [];
  /** A reconnect is already scheduled: ignore the duplicate error+close disconnects. */
  private reconnectPending = false;
  /** The server sent RECONNECT: tmi.js reconnects by itself after its interval. */
  private serverAskedReconnect = false;
  private refreshTried = false;

  constructor(
    account: PlatformAccount,
    sink: PlatformMonitorSink,
    private readonly options: ResolvedTwitchOptions,
    common: ResolvedMonitorOptions,
  ) {
    this.login = account.channel.toLowerCase().replace(/^#/, '');
    const tokens = { accessToken: account.accessToken, refreshToken: account.refreshToken };
    this.runtime = new MonitorRuntime('twitch', sink, common, () => [
      tokens.accessToken,
      tokens.refreshToken,
      options.clientSecret,
    ]);
    this.helix = new TwitchHelixClient(options, tokens, (t) => this.runtime.tokens(t));
    this.limiter = new SlidingWindowLimiter(options.sendLimit.max, options.sendLimit.windowMs);
    this.client = new Client({
      options: { skipUpdatingEmotesets: true },
      connection: {
        server: options.ircHost,
        port: options.ircPort,
        secure: options.secure,
        // We reconnect ourselves (backoff with jitter, failure cap); tmi's interval is only
        // used for its own RECONNECT-command handling.
        reconnect: false,
        reconnectInterval: common.backoff.baseMs,
        reconnectDecay: 1,
        maxReconnectInterval: common.backoff.maxMs,
      },
      // Anonymous read (justinfan…) without a token; as the streamer with one.
      identity: tokens.accessToken
        ? { username: this.login, password: () => `oauth:${tokens.accessToken ?? ''}` }
        : undefined,
      channels: [this.login],
      logger: silentLogger,
    });
    this.wire();
  }

  async start(): Promise<void> {
    this.runtime.report('connecting');
    await this.connect();
    if (this.helix.tokens.accessToken && this.options.clientId) this.pollViewers(0);
  }

  async send(text: string): Promise<SendResult> {
    if (!this.helix.tokens.accessToken) {
      return { ok: false, error: "sending to Twitch needs the streamer's token" };
    }
    if (this.runtime.state !== 'connected')
      return { ok: false, error: 'Twitch chat is not connected' };
    const slot = this.limiter.tryTake();
    if (!slot.ok) {
      const { max, windowMs } = this.options.sendLimit;
      return {
        ok: false,
        error: `rate_limited: Twitch allows ${max} messages per ${windowMs / 1000} s; retry in ${slot.retryAfterMs} ms`,
      };
    }
    this.echo.expectText(text);
    const ack = this.nextAckId();
    try {
      await this.client.say(this.login, text);
    } catch (err) {
      return { ok: false, error: this.runtime.describe(err) };
    }
    const id = await ack;
    if (id) this.echo.rememberId(id);
    return { ok: true, platformMessageId: id };
  }

  async stop(): Promise<void> {
    this.runtime.stop();
    this.client.removeAllListeners();
    if (this.client.readyState() === 'OPEN') await this.client.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.reconnectPending = false;
    // A failed attempt also emits `disconnected`, which schedules the retry.
    await this.client.connect().catch(() => undefined);
  }

  private wire(): void {
    const c = this.client;
    // Viewers' plain chat lines, nearly all of the traffic, are read here without tmi.js
    // (see viewerMessage); every other line goes through tmi.js, in the frame's order.
    // tmi.js binds `_onMessage` to the socket when it connects, so this one is used.
    const frames = c as unknown as { _onMessage(event: { data: unknown }): void };
    const onFrame = frames._onMessage.bind(c);
    frames._onMessage = (event) => {
      if (typeof event.data !== 'string') return onFrame(event);
      for (const line of event.data.trim().split('\r\n')) {
        const chat = viewerMessage(line);
        if (chat) this.emit('message', chat.tags, chat.text);
        else onFrame({ data: line });
      }
    };
    // Not the `raw_message` event: tmi.js deep-copies (JSON round trip) every message for it
    // whenever it has a listener, which costs about as much as parsing the line. We only
    // read a command and a tag, before tmi.js handles the message.
    const hooked = c as unknown as { handleMessage(message: unknown): void };
    const handle = hooked.handleMessage.bind(c);
    hooked.handleMessage = (message: unknown) => {
      this.onRaw(message);
      handle(message);
    };
    c.on('join', (_channel, _user, self) => {
      if (self) this.runtime.connected();
    });
    c.on('connected', () => {
      this.refreshTried = false;
      // tmi.js's own RECONNECT timer may fire after stop(): close again.
      if (this.runtime.isStopped) void c.disconnect().catch(() => undefined);
    });
    c.on(
      'disconnected',
      (reason) => void this.runtime.run(() => this.onDisconnected(String(reason))),
    );
    c.on('message', (_ch, tags, msg, self) => {
      if (self || tags['message-type'] === 'whisper') return;
      this.emit('message', tags, msg);
    });
    c.on('cheer', (_ch, tags, msg) =>
      this.emit('donation', tags, msg, { value: bitsOf(tags), currency: 'BITS' }),
    );
    c.on('subscription', (_ch, _user, _methods, msg, tags) =>
      this.emit('subscription', tags, noticeText(msg, tags)),
    );
    c.on('resub', (_ch, _user, _months, msg, tags) =>
      this.emit('subscription', tags, noticeText(msg, tags)),
    );
    c.on('subgift', (_ch, _user, _months, _recipient, _methods, tags) =>
      this.emit('subscription', tags, noticeText(undefined, tags)),
    );
    c.on('raided', (_ch, _user, _viewers, tags?: Record<string, unknown>) =>
      this.emit('raid', tags ?? {}, noticeText(undefined, tags ?? {})),
    );
  }

  private emit(
    type: ChatEventType,
    tags: Record<string, unknown>,
    text: string,
    amount?: { value: number; currency: string },
  ): void {
    this.runtime.guard(() => {
      const event: NormalizedChatEvent | undefined = twitchEvent(
        type,
        tags,
        text,
        undefined,
        amount,
      );
      if (!event) return;
      const fromSelf = (str(tags['username']) ?? '').toLowerCase() === this.login;
      if (type === 'message' && this.echo.isEcho(event.platformMessageId, fromSelf, text)) return;
      this.runtime.emit(event);
    });
  }

  private onRaw(message: unknown): void {
    const command = field(message, 'command');
    if (command === 'RECONNECT') this.serverAskedReconnect = true;
    if (command === 'USERSTATE') {
      const id = str(field(field(message, 'tags'), 'id'));
      if (id) this.ackWaiters.shift()?.(id);
    }
  }

  /** Resolves with the id Twitch puts in the USERSTATE answering our PRIVMSG, if any. */
  private nextAckId(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const done = (id?: string): void => {
        clearTimeout(timer);
        const i = this.ackWaiters.indexOf(done);
        if (i >= 0) this.ackWaiters.splice(i, 1);
        resolve(id);
      };
      const timer = setTimeout(() => done(undefined), this.options.sendAckTimeoutMs);
      this.ackWaiters.push(done);
    });
  }

  private async onDisconnected(reason: string): Promise<void> {
    if (this.runtime.isStopped || this.reconnectPending) return;
    if (this.serverAskedReconnect) {
      this.serverAskedReconnect = false;
      this.runtime.report('reconnecting', 'server sent RECONNECT');
      return;
    }
    if (/authentication failed|login unsuccessful/i.test(reason) && !this.refreshTried) {
      this.refreshTried = true;
      if (await this.helix.refresh()) {
        this.runtime.report('reconnecting', 'token refreshed');
        await this.connect();
        return;
      }
    }
    const delay = this.runtime.connectionLost(reason);
    if (delay === undefined) return;
    this.reconnectPending = true;
    this.runtime.schedule(delay, () => this.connect());
  }

  private pollViewers(delay: number): void {
    this.runtime.schedule(delay, async () => {
      try {
        this.runtime.viewers(await this.helix.viewerCount(this.login));
      } catch (err) {
        this.runtime.internalError('viewers', err);
      }
      this.pollViewers(this.options.viewerPollMs);
    });
  }
}
