import { backoffDelay } from '../common/backoff';
import { BoundedIdSet } from '../common/bounded-id-set';
import { EchoGuard } from '../common/echo-guard';
import type { ResolvedMonitorOptions } from '../common/monitor-options';
import { MonitorRuntime } from '../common/monitor-runtime';
import type {
  NormalizedChatEvent,
  PlatformAccount,
  PlatformMonitorHandle,
  PlatformMonitorSink,
  SendResult,
} from '../platform-chat.port';
import type { ResolvedFacebookOptions } from './facebook-chat.options';
import { facebookEvent } from './facebook-event-mapper';
import { FacebookGraphError } from './facebook-graph-error';
import { FacebookGraphClient } from './facebook-graph.client';
import type { GraphUsage } from './facebook-usage';

/**
 * One streamer's Facebook live comments: polls `/{live-video-id}/comments` newest first and
 * pages back (cursor `after`) until it meets a comment it already has, so nothing is read
 * twice; slows down when Graph's usage headers pass the threshold.
 */
export class FacebookMonitor implements PlatformMonitorHandle {
  private readonly runtime: MonitorRuntime;
  private readonly graph: FacebookGraphClient | undefined;
  private readonly echo = new EchoGuard();
  private readonly known: BoundedIdSet;
  private readonly pageId: string;
  private liveVideoId: string | undefined;
  private usage: GraphUsage | undefined;
  private rateLimitHits = 0;
  private viewersStarted = false;

  constructor(
    account: PlatformAccount,
    sink: PlatformMonitorSink,
    private readonly options: ResolvedFacebookOptions,
    private readonly common: ResolvedMonitorOptions,
  ) {
    this.pageId = account.channel;
    this.liveVideoId = account.extra?.liveVideoId;
    this.runtime = new MonitorRuntime('facebook', sink, common, () => [account.accessToken]);
    this.graph = account.accessToken
      ? new FacebookGraphClient(options, account.accessToken)
      : undefined;
    this.known = new BoundedIdSet(common.dedupCapacity);
  }

  async start(): Promise<void> {
    this.runtime.report('connecting');
    if (!this.graph) {
      this.runtime.report('failed', 'Facebook needs the Page access token');
      return;
    }
    await this.runtime.run(() => this.poll());
  }

  async send(text: string): Promise<SendResult> {
    if (!this.graph) return { ok: false, error: 'Facebook needs the Page access token' };
    if (!this.liveVideoId) return { ok: false, error: 'no Facebook live video to comment on' };
    this.echo.expectText(text);
    try {
      const id = await this.graph.comment(this.liveVideoId, text);
      if (id) this.echo.rememberId(id);
      return { ok: true, platformMessageId: id };
    } catch (err) {
      return { ok: false, error: this.runtime.describe(err) };
    }
  }

  async stop(): Promise<void> {
    this.runtime.stop();
  }

  private get slowed(): boolean {
    return (this.usage?.percent ?? 0) >= this.options.slowdownAt;
  }

  private async poll(): Promise<void> {
    if (this.runtime.isStopped) return;
    let next: number | undefined;
    try {
      await this.pollOnce();
      this.rateLimitHits = 0;
      next = this.slowed ? this.options.slowPollMs : this.options.pollMs;
    } catch (err) {
      next = this.onPollError(err);
    }
    if (next !== undefined) this.runtime.schedule(next, () => this.poll());
  }

  private async pollOnce(): Promise<void> {
    const graph = this.graph;
    if (!graph) return;
    if (!this.liveVideoId) {
      const live = await graph.currentLiveVideo(this.pageId);
      this.track(live.usage);
      if (!live.value) throw new Error('the Page has no live video');
      this.liveVideoId = live.value;
    }
    const fresh: unknown[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < this.options.maxPagesPerPoll; pages++) {
      const page = await graph.comments(this.liveVideoId, after);
      this.track(page.usage);
      const index = page.value.data.findIndex((c) => this.isKnown(c));
      fresh.push(...(index < 0 ? page.value.data : page.value.data.slice(0, index)));
      if (index >= 0 || !page.value.hasNext || !page.value.after) break;
      after = page.value.after;
    }
    this.runtime.connected(this.slowed ? `usage: slowed (${this.usage?.percent}%)` : undefined);
    if (!this.viewersStarted) {
      this.viewersStarted = true;
      this.pollViewers(0);
    }
    // Pages are newest first: deliver oldest first, as chat reads.
    for (const comment of fresh.reverse()) this.runtime.guard(() => this.deliver(comment));
  }

  private isKnown(comment: unknown): boolean {
    const event = facebookEvent(comment);
    return event !== undefined && this.known.has(event.platformMessageId);
  }

  private deliver(comment: unknown): void {
    const event: NormalizedChatEvent | undefined = facebookEvent(comment);
    if (!event) return;
    this.known.add(event.platformMessageId);
    if (this.echo.isEcho(event.platformMessageId, event.author.id === this.pageId, event.text)) {
      return;
    }
    this.runtime.emit(event);
  }

  private track(usage: GraphUsage | undefined): void {
    if (usage) this.usage = usage;
  }

  private onPollError(err: unknown): number | undefined {
    if (err instanceof FacebookGraphError && err.tokenInvalid) {
      this.runtime.report('failed', `Facebook token invalid: ${this.runtime.describe(err)}`);
      return undefined;
    }
    if (err instanceof FacebookGraphError && err.rateLimited) {
      this.rateLimitHits += 1;
      const delay = Math.max(
        err.retryAfterMs ?? 0,
        backoffDelay(this.rateLimitHits - 1, this.common.backoff, this.common.random),
      );
      this.runtime.report(
        'reconnecting',
        `rate limited: ${this.runtime.describe(err)}; retry in ${delay} ms`,
      );
      return delay;
    }
    return this.runtime.connectionLost(this.runtime.describe(err));
  }

  private pollViewers(delay: number): void {
    this.runtime.schedule(delay, async () => {
      const graph = this.graph;
      // Viewer counts are the first thing to give up when Graph says we are near the limit.
      if (graph && this.liveVideoId && !this.slowed) {
        try {
          const views = await graph.liveViews(this.liveVideoId);
          this.track(views.usage);
          if (views.value !== undefined) this.runtime.viewers(views.value);
        } catch (err) {
          this.runtime.internalError('viewers', err);
        }
      }
      this.pollViewers(this.options.viewerPollMs);
    });
  }
}
