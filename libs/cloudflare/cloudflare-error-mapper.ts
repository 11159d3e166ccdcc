import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'cloudflare';
import { ProviderError } from '../common/provider-error';
import { LOCAL_THROTTLE_HEADER } from './budgeted-fetch';
import { parseRetryAfterMs } from './retry-after';

export const CLOUDFLARE_PROVIDER = 'cloudflare';

/**
 * Turns whatever the SDK threw into a ProviderError: 404 → not_found; 429 → rate_limited
 * (with retryAfterMs); 5xx, 408, timeouts and connection errors → unavailable; other 4xx →
 * rejected. Messages carry Cloudflare's error codes only, never request data (stream keys).
 */
export function toProviderError(err: unknown, operation: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new ProviderError(
      CLOUDFLARE_PROVIDER,
      'unavailable',
      `${operation}: request timed out`,
      {
        cause: err,
      },
    );
  }
  if (err instanceof APIUserAbortError || err instanceof APIConnectionError) {
    return new ProviderError(
      CLOUDFLARE_PROVIDER,
      'unavailable',
      `${operation}: connection failed`,
      {
        cause: err,
      },
    );
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const detail = describeErrors(err.errors);
    if (status === 404) {
      return new ProviderError(
        CLOUDFLARE_PROVIDER,
        'not_found',
        `${operation}: not found${detail}`,
        {
          status,
          cause: err,
        },
      );
    }
    if (status === 429) {
      const headers = err.headers instanceof Headers ? err.headers : undefined;
      const local = headers?.get(LOCAL_THROTTLE_HEADER);
      const why =
        local === 'budget_exhausted'
          ? 'request budget exhausted'
          : local === 'retry_after'
            ? 'waiting for Retry-After'
            : `rate limited by Cloudflare${detail}`;
      return new ProviderError(CLOUDFLARE_PROVIDER, 'rate_limited', `${operation}: ${why}`, {
        status,
        retryAfterMs: headers ? parseRetryAfterMs(headers) : undefined,
        cause: err,
      });
    }
    // 408 is the server timing us out: transient, like a 5xx.
    const kind = status >= 500 || status === 408 ? 'unavailable' : 'rejected';
    return new ProviderError(CLOUDFLARE_PROVIDER, kind, `${operation}: HTTP ${status}${detail}`, {
      status,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(CLOUDFLARE_PROVIDER, 'unavailable', `${operation}: ${message}`, {
    cause: err,
  });
}

function describeErrors(errors: ReadonlyArray<{ code?: number; message?: string }>): string {
  if (!Array.isArray(errors) || errors.length === 0) return '';
  return ` (${errors.map((e) => `${e.code ?? '?'} ${e.message ?? ''}`.trim()).join('; ')})`;
}
