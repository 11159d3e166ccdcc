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
  | {
      kind: 'chat-fanin';
      url: string;
      /** Token of the streamer whose sandbox chat route is called. */
      senderToken: string;
      durationMs: number;
      postsPerSec: number;
      maxInFlight: number;
      /** How long to keep counting after the last post (ms). */
      drainMs: number;
      expectedPerPost: number;
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

export interface ChatFaninReply {
  /** Marks this run's messages (`bench <runId> <seq> <sentAt>`). */
  runId: string;
  posts: number;
  postErrors: number;
  firstPostError?: string;
  /** Chat events received on sockets with a bench text. */
  received: number;
  /** Wall time from the first post to the last post (ms). */
  sendMs: number;
  /** Events received during the send window (for the sustained rate). */
  receivedInWindow: number;
  latencyMs: LatencySummary;
}

export type ClientReply = ConnectReply | WebhookLatencyReply | ChatFaninReply | { closed: true };

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
