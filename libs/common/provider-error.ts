/**
 * The one error type every port throws, so services can decide what a failure means
 * without knowing which SDK raised it.
 * - `not_found`: the provider says the resource does not exist (HTTP 404).
 * - `rate_limited`: 429, or our own budget is exhausted; `retryAfterMs` says when to retry.
 * - `unavailable`: 5xx, timeouts, connection errors, or the circuit breaker is open.
 * - `rejected`: any other 4xx: our request was wrong or not allowed (bad key, bad URL).
 */
export type ProviderErrorKind = 'not_found' | 'rate_limited' | 'unavailable' | 'rejected';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
  }

  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }

  get status(): number | undefined {
    return this.options.status;
  }

  /** Worth trying again later (as opposed to a request that will always be refused). */
  get transient(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

export function isProviderError(err: unknown, kind?: ProviderErrorKind): err is ProviderError {
  return err instanceof ProviderError && (kind === undefined || err.kind === kind);
}
