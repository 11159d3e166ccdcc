import type { ChatEventType } from './entities/chat-event.entity';
import type { Platform } from '../platforms/platform';

/** The contract's normalized chat event, as sent to dashboards and returned by the API. */
export interface ChatEventView {
  id: string;
  userId: string;
  platform: Platform;
  type: ChatEventType;
  author: { id: string; name: string; badges: string[] };
  text: string;
  amount?: { value: number; currency: string };
  platformMessageId: string;
  at: string;
}
