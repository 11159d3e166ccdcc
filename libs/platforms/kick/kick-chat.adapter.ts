import { resolveMonitorOptions, type ResolvedMonitorOptions } from '../common/monitor-options';
import type {
  PlatformAccount,
  PlatformChatPort,
  PlatformMonitorHandle,
  PlatformMonitorSink,
} from '../platform-chat.port';
import {
  resolveKickOptions,
  type KickChatOptions,
  type ResolvedKickOptions,
} from './kick-chat.options';
import { KickMonitor } from './kick-monitor';

/**
 * Kick chat over pusher-js (channel `chatrooms.<id>.v2`), sending and viewers over the
 * official public API. `account.channel` is the channel slug; `account.extra.chatroomId`
 * skips the chatroom lookup and `account.extra.broadcasterUserId` the channel lookup on send.
 */
export class KickChatAdapter implements PlatformChatPort {
  readonly platform = 'kick' as const;
  private readonly options: ResolvedKickOptions;
  private readonly common: ResolvedMonitorOptions;

  constructor(options: KickChatOptions = {}) {
    this.options = resolveKickOptions(options);
    this.common = resolveMonitorOptions(options);
  }

  async start(account: PlatformAccount, sink: PlatformMonitorSink): Promise<PlatformMonitorHandle> {
    const monitor = new KickMonitor(account, sink, this.options, this.common);
    await monitor.start();
    return monitor;
  }
}
