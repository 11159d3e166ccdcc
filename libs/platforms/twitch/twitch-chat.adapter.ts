import { resolveMonitorOptions, type ResolvedMonitorOptions } from '../common/monitor-options';
import type {
  PlatformAccount,
  PlatformChatPort,
  PlatformMonitorHandle,
  PlatformMonitorSink,
} from '../platform-chat.port';
import {
  resolveTwitchOptions,
  type ResolvedTwitchOptions,
  type TwitchChatOptions,
} from './twitch-chat.options';
import { TwitchHelixClient } from './twitch-helix.client';
import { TwitchMonitor } from './twitch-monitor';

/**
 * Twitch chat over tmi.js (IRC over WebSocket), viewers and title over Helix.
 * `account.channel` is the Twitch login; `account.extra.broadcasterId` skips a user lookup.
 */
export class TwitchChatAdapter implements PlatformChatPort {
  readonly platform = 'twitch' as const;
  private readonly options: ResolvedTwitchOptions;
  private readonly common: ResolvedMonitorOptions;

  constructor(options: TwitchChatOptions = {}) {
    this.options = resolveTwitchOptions(options);
    this.common = resolveMonitorOptions(options);
  }

  async start(account: PlatformAccount, sink: PlatformMonitorSink): Promise<PlatformMonitorHandle> {
    const monitor = new TwitchMonitor(account, sink, this.options, this.common);
    await monitor.start();
    return monitor;
  }

  async setTitle(account: PlatformAccount, title: string): Promise<void> {
    const helix = new TwitchHelixClient(this.options, {
      accessToken: account.accessToken,
      refreshToken: account.refreshToken,
    });
    const id = account.extra?.broadcasterId ?? (await helix.userId(account.channel));
    await helix.setTitle(id, title);
  }
}
