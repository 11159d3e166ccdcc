import type { LatencySummary } from '../lib/stats';

/** Messages from the bench to the socket client process (each carries an id for its reply). */
export type ClientRequest =
  | { kind: 'connect'; url: string; users: { userId: string; token: string }[] }
  | {
      kind: 'webhook-latency';
      url: string;
      secret: string;
      /** The Cloudflare fake's origin: its status is set first (no notify), so polls agree. */
      fakeOrigin: string;
      targets: { userId: string; inputId: string }[];
      durationMs: number;
      /** Notifications per second, spread over the targets (one in flight per target). */
      ratePerSec: number;
      timeoutMs: number;
    }
  /** This process's clock (`epochNow`), so the bench can stamp messages in it. */
  | { kind: 'clock' }
  /** Starts counting `chat` events whose text is `bench <runId> <seq> <sentAt>`. */
  | { kind: 'chat-watch'; runId: string }
  /** Waits until `expected` events arrived (or `drainMs`), stops counting and replies. */
  | {
      kind: 'chat-watch-end';
      runId: string;
      expected: number;
      drainMs: number;
      /** The sustained rate is counted over this long from the first arrival (ms). */
      windowMs: number;
    }
  | { kind: 'close' };

export interface ConnectReply {
  connected: number;
  failed: number;
  firstError?: string;
  ms: number;
}

export interface WebhookLatencyReply {
  sent: number;
  received: number;
  timeouts: number;
  httpErrors: number;
  latencyMs: LatencySummary;
}

export interface ClockReply {
  now: number;
}

export interface ChatWatchReply {
  /** Chat events of the run received on sockets. */
  received: number;
  /** Of those, how many arrived again (same run and seq). */
  duplicates: number;
  /** Events received within `windowMs` of the first arrival (for the sustained rate). */
  receivedInWindow: number;
  /** `sentAt` stamp → `chat` event on the socket, in this process's clock. */
  latencyMs: LatencySummary;
}

export type ClientReply =
  | ConnectReply
  | WebhookLatencyReply
  | ClockReply
  | { watching: true }
  | ChatWatchReply
  | { closed: true };

export interface Envelope<T> {
  id: number;
  body: T;
}

export interface ReplyEnvelope {
  id: number;
  ok: boolean;
  body?: ClientReply;
  error?: string;
}
