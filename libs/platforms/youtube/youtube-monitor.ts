// The YouTube API alone: the `googleapis` index loads every Google API (about 1 s of start-up).
import { auth as googleAuth, youtube, type youtube_v3 } from 'googleapis/build/src/apis/youtube';
import { EchoGuard } from '../common/echo-guard';
import type { ResolvedMonitorOptions } from '../common/monitor-options';
import { MonitorRuntime } from '../common/monitor-runtime';
import type {
  PlatformAccount,
  PlatformMonitorHandle,
  PlatformMonitorSink,
  SendResult,
} from '../platform-chat.port';
import { googleErrorInfo } from './youtube-api-error';
import type { ResolvedYouTubeOptions } from './youtube-chat.options';
import { youtubeEvent } from './youtube-event-mapper';
import { YouTubeQuotaBudget } from './youtube-quota-budget';

/** Builds the googleapis client with an OAuth2 client whose token endpoint is configurable. */
export function createYouTubeClient(
  options: ResolvedYouTubeOptions,
  account: PlatformAccount,
): { api: youtube_v3.Youtube; auth: InstanceType<typeof googleAuth.OAuth2> } {
  const auth = new googleAuth.OAuth2({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    // Native fetch: gaxios would otherwise load node-fetch through a dynamic import.
    transporterOptions: { fetchImplementation: fetch },
    ...(options.tokenUrl ? { endpoints: { oauth2TokenUrl: options.tokenUrl } } : {}),
  });
  auth.setCredentials({ access_token: account.accessToken, refresh_token: account.refreshToken });
  const api = youtube({
    version: 'v3',
    auth,
    fetchImplementation: fetch,
    // Our own backoff (and quota count) governs retries, not gaxios's hidden ones.
    retry: false,
    ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
  });
  return { api, auth };
}

/** Finds the streamer's active broadcast (`liveBroadcasts.list broadcastStatus=active`). */
export async function activeBroadcast(
  api: youtube_v3.Youtube,
): Promise<
  { id: string; liveChatId?: string; snippet: youtube_v3.Schema$LiveBroadcastSnippet } | undefined
> {
  const res = await api.liveBroadcasts.list({
    part: ['snippet'],
    broadcastStatus: 'active',
    broadcastType: 'all',
  });
  const item = res.data.items?.[0];
  if (!item?.id || !item.snippet) return undefined;
  return { id: item.id, liveChatId: item.snippet.liveChatId ?? undefined, snippet: item.snippet };
}

/**
 * One streamer's YouTube live chat: polls liveChatMessages.list, honouring
 * pollingIntervalMillis and nextPageToken, within a daily quota budget.
 */
export class YouTubeMonitor implements PlatformMonitorHandle {
  private readonly runtime: MonitorRuntime;
  private readonly api: youtube_v3.Youtube;
  private readonly quota: YouTubeQuotaBudget;
  private readonly echo = new EchoGuard();
  private liveChatId: string | undefined;
  private videoId: string | undefined;
  private pageToken: string | undefined;

  constructor(
    account: PlatformAccount,
    sink: PlatformMonitorSink,
    private readonly options: ResolvedYouTubeOptions,
    common: ResolvedMonitorOptions,
  ) {
    this.runtime = new MonitorRuntime('youtube', sink, common, () => [
      account.accessToken,
      account.refreshToken,
      options.clientSecret,
    ]);
    const { api, auth } = createYouTubeClient(options, account);
    this.api = api;
    auth.on('tokens', (t) => {
      if (!t.access_token) return;
      this.runtime.tokens({
        accessToken: t.access_token,
        refreshToken: t.refresh_token ?? undefined,
        expiresAt: t.expiry_date ? new Date(t.expiry_date).toISOString() : undefined,
      });
    });
    this.quota = new YouTubeQuotaBudget(options.dailyQuota, options.slowdownAt);
    this.liveChatId = account.extra?.liveChatId;
    this.videoId = account.extra?.videoId;
  }

  /** Quota units spent today by this monitor. */
  get quotaUsed(): number {
    return this.quota.used;
  }

  async start(): Promise<void> {
    this.runtime.report('connecting');
    await this.runtime.run(() => this.poll());
  }

  async send(text: string): Promise<SendResult> {
    const cost = this.options.quotaCosts.liveChatMessagesInsert;
    if (!this.liveChatId) return { ok: false, error: 'no active YouTube live chat' };
    if (!this.quota.canSpend(cost))
      return { ok: false, error: 'rate_limited: YouTube daily quota exhausted' };
    this.quota.spend(cost);
    try {
      const res = await this.api.liveChatMessages.insert({
        part: ['snippet'],
        requestBody: {
          snippet: {
            liveChatId: this.liveChatId,
            type: 'textMessageEvent',
            textMessageDetails: { messageText: text },
          },
        },
      });
      if (res.data.id) this.echo.rememberId(res.data.id);
      return { ok: true, platformMessageId: res.data.id ?? undefined };
    } catch (err) {
      return { ok: false, error: this.runtime.describe(err) };
    }
  }

  async stop(): Promise<void> {
    this.runtime.stop();
  }

  private async poll(): Promise<void> {
    if (this.runtime.isStopped) return;
    let next: number | undefined;
    try {
      next = await this.pollOnce();
    } catch (err) {
      next = this.onPollError(err);
    }
    if (next !== undefined) this.runtime.schedule(next, () => this.poll());
  }

  /** One list call; returns the delay before the next one. */
  private async pollOnce(): Promise<number> {
    const costs = this.options.quotaCosts;
    if (!this.liveChatId) {
      this.quota.spend(costs.liveBroadcastsList);
      const broadcast = await activeBroadcast(this.api);
      if (!broadcast?.liveChatId) throw new Error('no active broadcast with a live chat');
      this.liveChatId = broadcast.liveChatId;
      this.videoId = broadcast.id;
    }
    if (!this.quota.canSpend(costs.liveChatMessagesList)) {
      this.runtime.report('connected', 'quota: exhausted, paused until the daily reset');
      return this.quota.pollDelay(this.options.minPollMs, costs.liveChatMessagesList);
    }
    this.quota.spend(costs.liveChatMessagesList);
    const res = await this.api.liveChatMessages.list({
      liveChatId: this.liveChatId,
      part: ['snippet', 'authorDetails'],
      maxResults: this.options.pageSize,
      pageToken: this.pageToken,
    });
    const first = this.runtime.state !== 'connected';
    this.runtime.connected(
      this.quota.slowed
        ? `quota: slowed (${this.quota.used}/${this.options.dailyQuota} units)`
        : undefined,
    );
    if (first && this.videoId) this.pollViewers(0);
    for (const item of res.data.items ?? []) {
      // An item that cannot be read is reported and skipped: failing the poll would read
      // the page again, and fail again, for as long as the chat lasts.
      this.runtime.guard(() => {
        const event = youtubeEvent(item);
        if (event && !this.echo.isEcho(event.platformMessageId, false, event.text))
          this.runtime.emit(event);
      });
    }
    // The page token is what guarantees no message is read twice; keep it across errors.
    if (res.data.nextPageToken) this.pageToken = res.data.nextPageToken;
    const interval = Math.max(this.options.minPollMs, res.data.pollingIntervalMillis ?? 0);
    return this.quota.pollDelay(interval, costs.liveChatMessagesList);
  }

  private onPollError(err: unknown): number | undefined {
    const { status, reason } = googleErrorInfo(err);
    if (
      reason === 'liveChatEnded' ||
      reason === 'liveChatNotFound' ||
      reason === 'liveChatDisabled'
    ) {
      this.runtime.report('failed', `YouTube ${reason}`);
      return undefined;
    }
    if (reason === 'quotaExceeded' || reason === 'rateLimitExceeded') {
      this.runtime.report('reconnecting', `quota: ${reason}`);
      this.quota.spend(this.options.dailyQuota); // trust YouTube: nothing left today
      return this.quota.pollDelay(
        this.options.minPollMs,
        this.options.quotaCosts.liveChatMessagesList,
      );
    }
    return this.runtime.connectionLost(
      `${status ? `HTTP ${status}` : 'request failed'}${reason ? ` ${reason}` : ''}: ${this.runtime.describe(err)}`,
    );
  }

  private pollViewers(delay: number): void {
    this.runtime.schedule(delay, async () => {
      const cost = this.options.quotaCosts.videosList;
      if (this.videoId && this.quota.canSpend(cost) && !this.quota.slowed) {
        this.quota.spend(cost);
        try {
          const res = await this.api.videos.list({
            part: ['liveStreamingDetails'],
            id: [this.videoId],
          });
          const viewers = Number(res.data.items?.[0]?.liveStreamingDetails?.concurrentViewers);
          if (Number.isFinite(viewers)) this.runtime.viewers(viewers);
        } catch (err) {
          this.runtime.internalError('viewers', err);
        }
      }
      this.pollViewers(this.options.viewerPollMs);
    });
  }
}
