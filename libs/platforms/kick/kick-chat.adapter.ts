import { MonitorAdapter } from '../common/monitor-adapter';
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
export class KickChatAdapter extends MonitorAdapter<KickChatOptions, ResolvedKickOptions> {
  readonly platform = 'kick' as const;

  constructor(options: KickChatOptions = {}) {
    super(options, resolveKickOptions, KickMonitor);
  }
}
