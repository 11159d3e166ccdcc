import { ProviderError } from '../../../libs/common/provider-error';
import { isDatabaseUnavailable } from '../../database/database-errors';
import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ApiError, ErrorBody, ErrorCode } from './api-error';

const DEFAULT_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'PROVIDER_UNAVAILABLE',
};

/** body-parser and similar middleware attach `status` and `type` to the errors they raise. */
interface MiddlewareError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * Maps anything thrown to the contract's error shape. Known HTTP errors keep their
 * status; anything else is a 500 with a generic message (the details go to the log only).
 */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ApiError) {
    const status = err.getStatus();
    return body(status, err.code, err.message, err.details);
  }
  const parserError = fromBodyParser((err as { cause?: unknown })?.cause ?? err);
  if (parserError) return parserError;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    let message = err.message;
    let details: unknown;
    if (typeof response === 'object' && response !== null) {
      const m = (response as { message?: unknown }).message;
      if (Array.isArray(m)) {
        message = 'Request validation failed';
        details = m;
      } else if (typeof m === 'string') {
        message = m;
      }
    }
    const code =
      status === 404 && /^Cannot [A-Z]+ /.test(message)
        ? 'ROUTE_NOT_FOUND'
        : (DEFAULT_CODES[status] ?? 'INTERNAL');
    return body(status, code, message, details);
  }
  if (isDatabaseUnavailable(err))
    return body(503, 'DATABASE_UNAVAILABLE', 'The database is unreachable; retry shortly');
  // A provider that is down, slow or rate limiting us is an outage, not a bug.
  if (err instanceof ProviderError && err.transient)
    return body(
      503,
      'PROVIDER_UNAVAILABLE',
      `${err.provider} is unavailable right now (${err.kind}); retry shortly`,
      err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : undefined,
    );
  const mw = err as MiddlewareError | undefined;
  const mwStatus = mw?.status ?? mw?.statusCode;
  if (mw && typeof mwStatus === 'number' && mwStatus >= 400 && mwStatus < 500) {
    return body(
      mwStatus,
      DEFAULT_CODES[mwStatus] ?? 'VALIDATION_FAILED',
      mw.expose ? String(mw.message) : 'Bad request',
    );
  }
  return body(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL', 'Internal server error');
}

/** Express hands body-parser's errors over (wrapped by Nest as the `cause`); name them. */
function fromBodyParser(err: unknown): ErrorBody | undefined {
  const type = (err as MiddlewareError | undefined)?.type;
  if (type === 'entity.parse.failed')
    // Also a bare value such as `null` or `1`: valid JSON, but every body here is an object.
    return body(400, 'MALFORMED_JSON', 'Request body must be a JSON object or array');
  if (type === 'entity.too.large')
    return body(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return body(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  }
  return undefined;
}

function body(statusCode: number, code: ErrorCode, message: string, details?: unknown): ErrorBody {
  const out: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code };
  if (details !== undefined) out.details = details;
  return out;
}
