import { matchCloudflareRoute, type CloudflareRoute } from './cloudflare-routes';
import type { RequestBudget } from './request-budget';
import { parseRetryAfterMs } from './retry-after';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What became of one HTTP attempt (the SDK may make several per call). */
export type AttemptOutcome =
  | 'ok'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'rejected'
  /** Refused locally by the budget or a pending Retry-After; nothing was sent. */
  | 'throttled';

/** Set on the 429 we synthesise when the budget refuses, so errors can say it was local. */
export const LOCAL_THROTTLE_HEADER = 'x-stream-supervisor-throttled';

export interface BudgetedFetchOptions {
  budget: RequestBudget;
  fetch?: FetchLike;
  onAttempt?: (route: CloudflareRoute, outcome: AttemptOutcome, status?: number) => void;
  /** Wait imposed by a 429 that carries no Retry-After. */
  defaultRetryAfterMs?: number;
}

/**
 * The `fetch` handed to the Cloudflare SDK. Every invocation is one HTTP attempt (the SDK's
 * own retries included), so every one draws from the account-wide budget here.
 *
 * Refusals are answered with a synthetic 429 carrying `x-should-retry: false` rather than a
 * thrown error: the SDK retries thrown errors as connection failures (after sleeping), while
 * this makes it give up at once, so callers fail fast with `rate_limited`.
 */
export function createBudgetedFetch(options: BudgetedFetchOptions): FetchLike {
  const inner: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const defaultRetryAfterMs = options.defaultRetryAfterMs ?? 1000;
  const { budget, onAttempt } = options;

  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method =
      init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
    const { route } = matchCloudflareRoute(method, url);

    const decision = budget.tryAcquire();
    if (!decision.ok) {
      onAttempt?.(route, 'throttled', 429);
      return throttledResponse(decision.reason, decision.retryAfterMs);
    }

    let response: Response;
    try {
      response = await inner(input, init);
    } catch (err) {
      onAttempt?.(route, 'unavailable');
      throw sameRealmError(err);
    }
    onAttempt?.(route, outcomeOf(response.status), response.status);

    if (response.status !== 429) return response;
    // Honour Cloudflare's Retry-After account-wide, and stop the SDK from sleeping on it.
    const retryAfterMs = parseRetryAfterMs(response.headers) ?? defaultRetryAfterMs;
    budget.blockFor(retryAfterMs);
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    headers.set('retry-after-ms', String(retryAfterMs));
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/**
 * The SDK recognises a timeout by `name === 'AbortError'`, but only on values that are
 * `instanceof Error` in its own realm; fetch's DOMException can come from another realm
 * (e.g. under Jest), so re-create it here with the name intact.
 */
function sameRealmError(err: unknown): unknown {
  if (err instanceof Error || typeof err !== 'object' || err === null) return err;
  const name = 'name' in err && typeof err.name === 'string' ? err.name : 'Error';
  const message = 'message' in err && typeof err.message === 'string' ? err.message : String(err);
  const copy = new Error(message, { cause: err });
  copy.name = name;
  return copy;
}

function outcomeOf(status: number): AttemptOutcome {
  if (status < 400) return 'ok';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'unavailable';
  return 'rejected';
}

function throttledResponse(
  reason: 'budget_exhausted' | 'retry_after',
  retryAfterMs: number,
): Response {
  const message =
    reason === 'budget_exhausted'
      ? 'Request budget exhausted; request not sent'
      : 'Waiting for Retry-After from an earlier 429; request not sent';
  const body = { success: false, errors: [{ code: 1015, message }], messages: [], result: null };
  return new Response(JSON.stringify(body), {
    status: 429,
    headers: {
      'content-type': 'application/json',
      'x-should-retry': 'false',
      'retry-after-ms': String(retryAfterMs),
      [LOCAL_THROTTLE_HEADER]: reason,
    },
  });
}
