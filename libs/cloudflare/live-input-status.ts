import type { LiveInputStatus } from './cloudflare-stream.port';

export const LIVE_INPUT_STATUSES: ReadonlyArray<Exclude<LiveInputStatus, null>> = [
  'connected',
  'reconnected',
  'reconnecting',
  'client_disconnect',
  'ttl_exceeded',
  'failed_to_connect',
  'failed_to_reconnect',
  'new_configuration_accepted',
];

function isKnownStatus(value: unknown): value is Exclude<LiveInputStatus, null> {
  return typeof value === 'string' && (LIVE_INPUT_STATUSES as readonly string[]).includes(value);
}

/**
 * Cloudflare documents `status` as a nullable string, but some clients have seen
 * `{ current: { state } }`; both are accepted. Anything unrecognised becomes null
 * ("never connected / unknown"), never a guess.
 */
export function normalizeLiveInputStatus(raw: unknown): LiveInputStatus {
  if (isKnownStatus(raw)) return raw;
  if (typeof raw === 'object' && raw !== null && 'current' in raw) {
    const current: unknown = raw.current;
    if (typeof current === 'object' && current !== null && 'state' in current) {
      const state: unknown = current.state;
      if (isKnownStatus(state)) return state;
    }
  }
  return null;
}

/** `reconnected` is live too (the reference implementation got this wrong). */
export function isLive(status: LiveInputStatus): boolean {
  return status === 'connected' || status === 'reconnected';
}

/** The encoder is wobbling: not live right now, but not lost either. */
export function isWobbling(status: LiveInputStatus): boolean {
  return status === 'reconnecting';
}

/** The encoder has gone: the disconnect grace period applies. */
export function isGone(status: LiveInputStatus): boolean {
  return (
    status === 'client_disconnect' ||
    status === 'ttl_exceeded' ||
    status === 'failed_to_connect' ||
    status === 'failed_to_reconnect'
  );
}
