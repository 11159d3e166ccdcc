/**
 * One platform's live chat, events and viewer count, as a session's platform monitor
 * needs them. Each platform (twitch, youtube, kick, facebook) implements this port over
 * its real client library (tmi.js, googleapis, pusher-js, Graph API over HTTP), and has a
 * protocol-level fake server beside it.
 */
export type PlatformName = 'twitch' | 'youtube' | 'kick' | 'facebook';

export type ChatEventType = 'message' | 'donation' | 'subscription' | 'raid' | 'follow' | 'system';

/** The contract's normalized chat event (../shared/CONTRACT.md), minus our own ids. */
export interface NormalizedChatEvent {
  platform: PlatformName;
  type: ChatEventType;
  author: { id: string; name: string; badges: string[] };
  text: string;
  amount?: { value: number; currency: string };
  /** The platform's own id for the message: the de-duplication key. */
  platformMessageId: string;
  /** ISO 8601 UTC. */
  at: string;
}

export type ChatConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** Credentials and ids a monitor needs; decrypted by the caller, never logged. */
export interface PlatformAccount {
  userId: string;
  platform: PlatformName;
  /** Twitch login, YouTube channel id, Kick channel slug, Facebook page id. */
  channel: string;
  accessToken?: string;
  refreshToken?: string;
  /** Platform-specific ids found at connect time (Kick chatroom id, Facebook live video id…). */
  extra?: Record<string, string>;
}

export interface PlatformMonitorSink {
  events(batch: NormalizedChatEvent[]): void;
  state(state: ChatConnectionState, detail?: string): void;
  viewers(count: number): void;
  /** New OAuth tokens after a refresh, to be persisted (encrypted) by the caller. */
  tokens?(tokens: { accessToken: string; refreshToken?: string; expiresAt?: string }): void;
}

export interface SendResult {
  ok: boolean;
  platformMessageId?: string;
  error?: string;
}

export interface PlatformMonitorHandle {
  /** Sends as the streamer. The sent message must not be echoed back as a second event. */
  send(text: string): Promise<SendResult>;
  stop(): Promise<void>;
}

export interface PlatformChatPort {
  readonly platform: PlatformName;
  /** Starts reading; resolves once the first connection attempt has been made. */
  start(account: PlatformAccount, sink: PlatformMonitorSink): Promise<PlatformMonitorHandle>;
  /** Optional: set the stream title on Start (Twitch `PATCH /helix/channels`, YouTube broadcast). */
  setTitle?(account: PlatformAccount, title: string): Promise<void>;
}
