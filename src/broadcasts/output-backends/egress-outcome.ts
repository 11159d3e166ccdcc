import {
  TERMINAL_EGRESS_STATUSES,
  sameStreamUrl,
  type EgressInfo,
  type EgressStreamInfo,
} from '../../../libs/livekit';
import { notConnected, type DestinationOutcome, type OutputDestination } from './output-backend';

/**
 * The RTMP URL LiveKit pushes to for one platform: its ingest URL and stream key joined
 * the way every supported platform expects (`rtmp(s)://host/app/<key>`).
 */
export function egressUrlOf(d: OutputDestination & { streamKey: string }): string {
  return `${d.ingestUrl.replace(/\/+$/, '')}/${d.streamKey}`;
}

/** The destination's current entry: its active one, else the latest (re-added URLs repeat). */
export function streamEntryOf(
  egress: EgressInfo,
  d: OutputDestination,
): EgressStreamInfo | undefined {
  if (!d.streamKey) return undefined;
  const url = egressUrlOf({ ...d, streamKey: d.streamKey });
  const entries = egress.streams.filter((s) => sameStreamUrl(s.url, url));
  return entries.find((s) => s.status === 'active') ?? entries.at(-1);
}

/**
 * Per-output status from one egress: stream `active` → active, `finished` → removed,
 * `failed` → failed with LiveKit's error. A destination LiveKit has not reported yet on a
 * running egress counts as active (LiveKit fills stream results once the egress is up);
 * when the whole egress has ended, a destination still marked active ended with it.
 */
export function outcomeFromEgress(
  egress: EgressInfo,
  d: OutputDestination,
  created = false,
): DestinationOutcome {
  if (!d.streamKey) return notConnected(d);
  const providerOutputId = egress.egressId;
  const entry = streamEntryOf(egress, d);
  const ended = TERMINAL_EGRESS_STATUSES.includes(egress.status);
  if (entry?.status === 'failed') {
    return {
      status: 'failed',
      error: entry.error || 'stream failed',
      providerOutputId,
      attempted: true,
    };
  }
  if (ended && egress.status !== 'complete') {
    const error = egress.error || `egress ${egress.status}`;
    return { status: 'failed', error, providerOutputId, attempted: true };
  }
  if (ended || entry?.status === 'finished') return { status: 'removed', providerOutputId };
  if (!entry && !d.enabled) return { status: 'removed', providerOutputId };
  return { status: 'active', providerOutputId, created };
}

/** The destination is being pushed right now (an active entry on a running egress). */
export function isPushing(egress: EgressInfo, d: OutputDestination): boolean {
  return streamEntryOf(egress, d)?.status === 'active';
}

/**
 * The destination must be (re-)added to this egress. A starting egress that reports no
 * streams yet is left alone: what it was asked for is not visible until it is up.
 */
export function needsAdding(egress: EgressInfo, d: OutputDestination): boolean {
  if (egress.status === 'starting' && egress.streams.length === 0) return false;
  return !isPushing(egress, d);
}
