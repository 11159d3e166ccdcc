/** What the session learned about its input, from a webhook or a poll. */
export interface InputObservation {
  /** Provider status in Cloudflare's vocabulary (LiveKit events are mapped onto it). */
  status: string | null;
  at: string;
  source: 'cloudflare' | 'livekit';
  /** The provider says the input does not exist (404): re-provision, never "offline". */
  missing?: boolean;
}

const LIVE = new Set(['connected', 'reconnected']);
const GONE = new Set([
  'client_disconnect',
  'ttl_exceeded',
  'failed_to_connect',
  'failed_to_reconnect',
]);

/**
 * `reconnected` counts as live; `reconnecting` means the encoder is wobbling and the input
 * is neither live nor lost; `new_configuration_accepted` says nothing about the encoder.
 * A never-connected input (`null`) is gone.
 */
export function classifyInput(o: Pick<InputObservation, 'status' | 'missing'>): {
  live: boolean;
  gone: boolean;
} {
  if (o.missing) return { live: false, gone: false };
  if (o.status === null) return { live: false, gone: true };
  return { live: LIVE.has(o.status), gone: GONE.has(o.status) };
}
