import type { ChatEventView } from '../chat/chat-event.view';
import type { OutputStatus } from '../broadcasts/entities/output.entity';
import type { Platform } from '../platforms/platform';
import type { TransitionActor } from '../sessions/entities/session-transition.entity';

export interface TransitionEvent {
  userId: string;
  from: string;
  to: string;
  reason: string;
  by: TransitionActor;
  at: string;
}

export interface OutputEvent {
  userId: string;
  platform: Platform;
  status: OutputStatus;
  lastError?: string;
}

export interface ViewersEvent {
  userId: string;
  platform: Platform;
  count: number;
  at: string;
}

/**
 * Every in-process event, typed. The Socket.IO gateway forwards these to dashboards; a
 * typo in an event name or payload is a compile error.
 */
export interface EventMap {
  'session.transition': TransitionEvent;
  /** Anything in the session view changed (state, input, outputs, health…). */
  'session.changed': { userId: string };
  'session.output': OutputEvent;
  'chat.events': { userId: string; events: ChatEventView[] };
  'session.viewers': ViewersEvent;
}
