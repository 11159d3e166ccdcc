import type { ProviderError } from '../common/provider-error';

/**
 * Cloudflare Stream, as the service needs it. Implemented over the official `cloudflare`
 * SDK (v7) in `cloudflare-stream.adapter.ts`; `fake/` holds a protocol-level fake server.
 * Every method throws `ProviderError` on failure (see libs/common/provider-error.ts).
 */
export const CLOUDFLARE_STREAM = Symbol('CLOUDFLARE_STREAM');

/** Raw status as Cloudflare reports it; null when the input has never connected. */
export type LiveInputStatus =
  | 'connected'
  | 'reconnected'
  | 'reconnecting'
  | 'client_disconnect'
  | 'ttl_exceeded'
  | 'failed_to_connect'
  | 'failed_to_reconnect'
  | 'new_configuration_accepted'
  | null;

export interface LiveInput {
  uid: string;
  /** Normalised from either the string form or `{ current: { state } }`. */
  status: LiveInputStatus;
  meta: Record<string, unknown>;
  rtmps: { url: string; streamKey: string };
  srt?: { url: string; streamId: string; passphrase: string };
  webRTC?: { url: string };
  webRTCPlayback?: { url: string };
  recordingMode: 'off' | 'automatic';
  created?: string;
  modified?: string;
}

export interface LiveOutput {
  uid: string;
  url: string;
  streamKey: string;
  enabled: boolean;
}

export interface StreamVideo {
  uid: string;
  liveInput?: string;
  readyToStream: boolean;
  state?: string;
  playback?: { hls?: string; dash?: string };
  thumbnail?: string;
  preview?: string;
  created?: string;
  duration?: number;
}

export interface CreateLiveInputParams {
  /** Stored in `meta.userId` (and `meta.name`) so an input can always be traced to its user. */
  userId: string;
  name?: string;
  recording?: { mode: 'off' | 'automatic'; allowedOrigins?: string[] };
}

export interface CloudflareStreamPort {
  createLiveInput(params: CreateLiveInputParams): Promise<LiveInput>;
  /** Null when Cloudflare answers 404 (the input was deleted: re-provision, not "offline"). */
  getLiveInput(inputId: string): Promise<LiveInput | null>;
  updateLiveInput(
    inputId: string,
    params: {
      recording?: { mode?: 'off' | 'automatic'; allowedOrigins?: string[] };
      meta?: Record<string, unknown>;
    },
  ): Promise<LiveInput>;
  /** Idempotent: a 404 counts as deleted. */
  deleteLiveInput(inputId: string): Promise<void>;

  listOutputs(inputId: string): Promise<LiveOutput[]>;
  createOutput(
    inputId: string,
    params: { url: string; streamKey: string; enabled?: boolean },
  ): Promise<LiveOutput>;
  updateOutput(
    inputId: string,
    outputId: string,
    params: { enabled: boolean },
  ): Promise<LiveOutput>;
  /** Idempotent: a 404 counts as deleted. */
  deleteOutput(inputId: string, outputId: string): Promise<void>;

  /** Recordings (videos) made from a live input, newest first. */
  listVideos(inputId: string): Promise<StreamVideo[]>;

  /** Undefined when healthy; otherwise why calls are failing fast (circuit open, rate limited). */
  healthProblem(inputId?: string): string | undefined;
}

export type { ProviderError };
