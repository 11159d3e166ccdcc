import type { ProviderError } from '../common/provider-error';

export interface RetryPolicy {
  /** Total attempts, including the first. 1 disables retries. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
};

/** Exponential backoff with full jitter, capped: attempt 1 waits up to base, 2 up to 2×base… */
export function backoffDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `call` until it succeeds, fails with an error `shouldRetry` refuses, or the attempts
 * run out; the last error is thrown. Errors must already be ProviderErrors.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  call: () => Promise<T>,
  shouldRetry: (err: ProviderError) => boolean,
  toError: (err: unknown) => ProviderError,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (raw) {
      const err = toError(raw);
      if (attempt >= attempts || !shouldRetry(err)) throw err;
      const delay = err.retryAfterMs ?? backoffDelayMs(policy, attempt);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
