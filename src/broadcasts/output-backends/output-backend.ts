import { isProviderError } from '../../../libs/common/provider-error';
import type { OutputStatus } from '../entities/output.entity';
import type { Platform } from '../../platforms/platform';

/**
 * What OutputsService asks of a provider, one implementation per ingest source
 * (`CloudflareOutputBackend`: one live output per platform; `LiveKitEgressBackend`: one
 * RTMP egress per broadcast with one URL per platform). OutputsService owns the intents
 * (rows written before any call) and their bookkeeping; a backend only talks to its
 * provider and reports, per destination, what the provider now has.
 */
export interface OutputBackend {
  readonly source: 'cloudflare' | 'livekit';
  /** Listing first, adopt what exists and create what is missing for every destination. */
  start(userId: string, destinations: OutputDestination[]): Promise<DestinationOutcome[]>;
  /**
   * Add, pause or resume one destination while live; throws when the provider refuses.
   * `null`: nothing to do at the provider (pausing something that is not running).
   */
  setEnabled(
    userId: string,
    destination: OutputDestination,
    enabled: boolean,
  ): Promise<DestinationOutcome | null>;
  /**
   * The periodic check: match the provider's truth to the intents, re-create lost ones,
   * remove what nobody asked for. `null` for a destination means "nothing changed".
   */
  verify(userId: string, destinations: OutputDestination[]): Promise<(DestinationOutcome | null)[]>;
  /**
   * Remove everything this user has on the provider and verify by listing again; returns
   * how many provider objects there were. Throws `CleanupIncompleteError` if any remain.
   */
  removeAll(userId: string): Promise<number>;
}

/** One intent, with the platform's decrypted credentials; never logged, never returned. */
export interface OutputDestination {
  outputId: string;
  platform: Platform;
  enabled: boolean;
  status: OutputStatus;
  providerOutputId: string | null;
  ingestUrl: string;
  /** Null when the platform is not connected (no key): the destination cannot go live. */
  streamKey: string | null;
}

export type DestinationOutcome =
  | { status: 'active'; providerOutputId: string; created: boolean }
  | { status: 'failed'; error: string; providerOutputId?: string; attempted: boolean }
  | { status: 'removed'; providerOutputId?: string };

export class CleanupIncompleteError extends Error {}

export function notConnected(d: OutputDestination): DestinationOutcome {
  return {
    status: 'failed',
    error: `${d.platform} is not connected (no stream key)`,
    attempted: false,
  };
}

/** A message safe to store and show: never the key, never a raw SDK dump. */
export function describeError(err: unknown): string {
  if (isProviderError(err)) return `${err.kind}: ${err.message}`.slice(0, 300);
  return err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
}
