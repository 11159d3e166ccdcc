import type { NormalizedChatEvent } from '../../libs/platforms/platform-chat.port';

/** The contract's normalized chat event, as sent to dashboards and returned by the API. */
export type ChatEventView = NormalizedChatEvent & { id: string; userId: string };
