import type { OutputStatus } from '../broadcasts/entities/output.entity';
import type { Platform } from '../platforms/platform';
import type { TopState } from './machine/session.machine';

export type ChatState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'off';

/** The contract's session view: everything a dashboard shows about one streamer. */
export interface SessionView {
  userId: string;
  state: TopState;
  stateSince: string;
  substate?: string;
  input: {
    source: 'cloudflare' | 'livekit';
    status: string | null;
    lastSeenAt: string | null;
    ingest: {
      rtmps: { url: string; streamKey: string } | null;
      srt?: { url: string; streamId: string; passphrase: string };
      webRTC?: { url: string };
    };
  };
  outputs: { platform: Platform; enabled: boolean; status: OutputStatus; lastError?: string }[];
  platforms: { platform: Platform; connected: boolean; chat: ChatState; viewers?: number }[];
  broadcast?: { id: string; title: string; startedAt: string };
  graceEndsAt?: string;
  health: { degraded: boolean; reasons: string[] };
  /** Added to the contract: the session is signed in (false after logout while still live). */
  active: boolean;
  failed?: { reason: string };
}
