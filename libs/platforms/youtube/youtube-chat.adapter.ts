import { MonitorAdapter } from '../common/monitor-adapter';
import type { PlatformAccount } from '../platform-chat.port';
import {
  resolveYouTubeOptions,
  type ResolvedYouTubeOptions,
  type YouTubeChatOptions,
} from './youtube-chat.options';
import { activeBroadcast, createYouTubeClient, YouTubeMonitor } from './youtube-monitor';

/**
 * YouTube live chat over googleapis (`youtube({ version: 'v3', rootUrl })`).
 * `account.extra.liveChatId` / `videoId` skip the active-broadcast lookup.
 */
export class YouTubeChatAdapter extends MonitorAdapter<YouTubeChatOptions, ResolvedYouTubeOptions> {
  readonly platform = 'youtube' as const;

  constructor(options: YouTubeChatOptions = {}) {
    super(options, resolveYouTubeOptions, YouTubeMonitor);
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
