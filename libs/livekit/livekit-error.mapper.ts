import { TwirpError } from 'livekit-server-sdk';
import { ProviderError, type ProviderErrorKind } from '../common/provider-error';
import type { WebhookRejection } from './livekit.port';

export const LIVEKIT_PROVIDER = 'livekit';

/** A webhook that must not be trusted. Controllers answer 401 and change nothing. */
export class WebhookVerificationError extends ProviderError {
  constructor(
    readonly reason: WebhookRejection,
    cause?: unknown,
  ) {
    super(LIVEKIT_PROVIDER, 'rejected', `LiveKit webhook rejected: ${reason}`, {
      status: 401,
      cause,
    });
    this.name = 'WebhookVerificationError';
  }
}

// Twirp codes that mean "the request never took effect; the server or network is unwell".
const UNAVAILABLE_CODES = new Set([
  'unavailable',
  'internal',
  'deadline_exceeded',
  'canceled',
  'unknown',
  'dataloss',
]);

function kindOf(status: number | undefined, code: string | undefined): ProviderErrorKind {
  if (code === 'not_found' || status === 404) return 'not_found';
  if (code === 'resource_exhausted' || status === 429) return 'rate_limited';
  if ((code !== undefined && UNAVAILABLE_CODES.has(code)) || status === 408) return 'unavailable';
  if (status !== undefined && status >= 500) return 'unavailable';
  return 'rejected';
}

/**
 * Maps whatever the SDK threw to a ProviderError. Messages carry the operation and the
 * Twirp code only: the server's text may quote a request that holds an RTMP stream key.
 */
export function toProviderError(operation: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof TwirpError) {
    const code = typeof err.code === 'string' ? err.code : undefined;
    const kind = kindOf(err.status, code);
    return new ProviderError(
      LIVEKIT_PROVIDER,
      kind,
      `LiveKit ${operation} failed: ${code ?? 'http'} (HTTP ${err.status})`,
      { status: err.status, cause: err },
    );
  }
  if (isTransportError(err)) {
    return new ProviderError(
      LIVEKIT_PROVIDER,
      'unavailable',
      `LiveKit ${operation} failed: ${transportReason(err)}`,
      {
        cause: err,
      },
    );
  }
  return new ProviderError(LIVEKIT_PROVIDER, 'rejected', `LiveKit ${operation} failed`, {
    cause: err,
  });
}

interface NamedError {
  name: string;
  cause?: unknown;
}

/**
 * fetch() rejects with a TypeError (connection) or a TimeoutError/AbortError (our timeout).
 * Checked by name, not instanceof: those errors come from Node's own realm, which is not
 * the realm of this module under Jest.
 */
function isTransportError(err: unknown): err is NamedError {
  if (typeof err !== 'object' || err === null || !('name' in err)) return false;
  return err.name === 'TypeError' || err.name === 'TimeoutError' || err.name === 'AbortError';
}

function connectionCode(err: NamedError): string | undefined {
  const cause = err.cause;
  return typeof cause === 'object' &&
    cause !== null &&
    'code' in cause &&
    typeof cause.code === 'string'
    ? cause.code
    : undefined;
}

function transportReason(err: NamedError): string {
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const code = connectionCode(err);
  return code ? `connection error ${code}` : 'connection error';
}

/**
 * True when LiveKit certainly did not act on the request, so even a non-idempotent call
 * (starting an egress) may be resent: refused connections and rate limiting. A 5xx or a
 * timeout is ambiguous (the egress may have started), so those are left to reconcile.
 */
export function neverReachedServer(err: ProviderError): boolean {
  if (err.kind === 'rate_limited') return true;
  const cause = err.options.cause;
  if (!isTransportError(cause) || cause.name !== 'TypeError') return false;
  const code = connectionCode(cause);
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}
