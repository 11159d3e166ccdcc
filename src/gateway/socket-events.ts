import type { ChatEventView } from '../chat/chat-event.view';
import type { OutputEvent, TransitionEvent, ViewersEvent } from '../events/event-map';
import type { Platform } from '../platforms/platform';
import type { PublicStatus } from '../public-status/public-status';
import type { SessionView } from '../sessions/session.view';

/** Every command's acknowledgement. `code` is the same stable code the REST API uses. */
export interface Ack {
  ok: boolean;
  error?: string;
  code?: string;
}

/** Namespace `/live`: server → client. */
export interface LiveServerEvents {
  session: (view: SessionView) => void;
  transition: (t: TransitionEvent) => void;
  output: (o: OutputEvent) => void;
  chat: (events: ChatEventView[]) => void;
  viewers: (v: ViewersEvent) => void;
}

/** Namespace `/live`: client → server, each with an ack. */
export interface LiveClientEvents {
  'session:start': (
    payload: { platforms?: Platform[]; title?: string },
    ack: (a: Ack) => void,
  ) => void;
  'session:stop': (payload: unknown, ack: (a: Ack) => void) => void;
  'chat:send': (
    payload: { text: string; platforms?: Platform[] },
    ack: (a: Ack & { results?: unknown }) => void,
  ) => void;
  'session:resync': (payload: unknown, ack: (a: Ack) => void) => void;
}

/** Namespace `/public`. */
export interface PublicServerEvents {
  status: (s: PublicStatus & { userId: string }) => void;
}
export interface PublicClientEvents {
  subscribe: (payload: { userId: string }, ack?: (a: Ack) => void) => void;
  unsubscribe: (payload: { userId: string }, ack?: (a: Ack) => void) => void;
}
