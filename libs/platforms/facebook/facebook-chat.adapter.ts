import { resolveMonitorOptions, type ResolvedMonitorOptions } from '../common/monitor-options';
import type {
  PlatformAccount,
  PlatformChatPort,
  PlatformMonitorHandle,
  PlatformMonitorSink,
} from '../platform-chat.port';
import {
  resolveFacebookOptions,
  type FacebookChatOptions,
  type ResolvedFacebookOptions,
} from './facebook-chat.options';
import { FacebookMonitor } from './facebook-monitor';

/**
 * Facebook live comments over the Graph API (fetch). `account.channel` is the Page id and
 * `account.accessToken` a Page access token; `account.extra.liveVideoId` skips the
 * current-live-video lookup.
 */
export class FacebookChatAdapter implements PlatformChatPort {
  readonly platform = 'facebook' as const;
  private readonly options: ResolvedFacebookOptions;
  private readonly common: ResolvedMonitorOptions;

  constructor(options: FacebookChatOptions = {}) {
    this.options = resolveFacebookOptions(options);
    this.common = resolveMonitorOptions(options);
  }

  async start(account: PlatformAccount, sink: PlatformMonitorSink): Promise<PlatformMonitorHandle> {
    const monitor = new FacebookMonitor(account, sink, this.options, this.common);
    await monitor.start();
    return monitor;
  }
}
