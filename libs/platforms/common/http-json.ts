import { ProviderError } from '../../common/provider-error';

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body; undefined for an empty body (204) or one that is not JSON. */
  body: unknown;
}

/**
 * fetch() with a timeout that always resolves to status + parsed JSON. Network failures and
 * timeouts become ProviderError('unavailable'); status handling is left to the caller.
 */
export async function fetchJson(
  provider: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<JsonResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new ProviderError(provider, 'unavailable', `${provider} request failed`, { cause: err });
  }
  const text = await res.text();
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, headers: res.headers, body };
}

/** Maps an HTTP status to the shared ProviderError kinds. */
export function providerErrorFor(
  provider: string,
  status: number,
  message: string,
  retryAfterMs?: number,
): ProviderError {
  const kind =
    status === 404
      ? 'not_found'
      : status === 429
        ? 'rate_limited'
        : status >= 500
          ? 'unavailable'
          : 'rejected';
  return new ProviderError(provider, kind, message, { status, retryAfterMs });
}

/** Reads `obj.key` when obj is a record; the one narrowing helper the parsers share. */
export function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
