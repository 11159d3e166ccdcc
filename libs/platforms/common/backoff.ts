export interface BackoffOptions {
  /** First retry delay before jitter (ms). */
  baseMs: number;
  /** Upper bound for any delay (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Exponential backoff with "equal jitter": half the window is fixed, half random, so
 * retries spread out (no thundering herd after an outage) yet never collapse to zero.
 * `attempt` is 0 for the first retry.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const window = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(window / 2 + random() * (window / 2));
}
