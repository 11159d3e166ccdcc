import { MonitorAdapter } from '../common/monitor-adapter';
import type { PlatformAccount } from '../platform-chat.port';
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
export class TwitchChatAdapter extends MonitorAdapter<TwitchChatOptions, ResolvedTwitchOptions> {
  readonly platform = 'twitch' as const;

  constructor(options: TwitchChatOptions = {}) {
    super(options, resolveTwitchOptions, TwitchMonitor);
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
