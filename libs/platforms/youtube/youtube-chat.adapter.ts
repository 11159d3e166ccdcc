import { resolveMonitorOptions, type ResolvedMonitorOptions } from '../common/monitor-options';
import type {
  PlatformAccount,
  PlatformChatPort,
  PlatformMonitorHandle,
  PlatformMonitorSink,
} from '../platform-chat.port';
import {
  resolveYouTubeOptions,
  type ResolvedYouTubeOptions,
  type YouTubeChatOptions,
} from './youtube-chat.options';
import { activeBroadcast, createYouTubeClient, YouTubeMonitor } from './youtube-monitor';

/**
 * YouTube live chat over googleapis (`google.youtube({ version: 'v3', rootUrl })`).
 * `account.extra.liveChatId` / `videoId` skip the active-broadcast lookup.
 */
export class YouTubeChatAdapter implements PlatformChatPort {
  readonly platform = 'youtube' as const;
  private readonly options: ResolvedYouTubeOptions;
  private readonly common: ResolvedMonitorOptions;

  constructor(options: YouTubeChatOptions = {}) {
    this.options = resolveYouTubeOptions(options);
    this.common = resolveMonitorOptions(options);
  }

  async start(account: PlatformAccount, sink: PlatformMonitorSink): Promise<PlatformMonitorHandle> {
    const monitor = new YouTubeMonitor(account, sink, this.options, this.common);
    await monitor.start();
    return monitor;
  }

  /** Sets the active broadcast's title (liveBroadcasts.update needs scheduledStartTime too). */
  async setTitle(account: PlatformAccount, title: string): Promise<void> {
    const { api } = createYouTubeClient(this.options, account);
    const broadcast = await activeBroadcast(api);
    if (!broadcast) throw new Error('no active YouTube broadcast to retitle');
    await api.liveBroadcasts.update({
      part: ['snippet'],
      requestBody: {
        id: broadcast.id,
        snippet: {
          ...broadcast.snippet,
          title,
          scheduledStartTime: broadcast.snippet.scheduledStartTime,
        },
      },
    });
  }
}
