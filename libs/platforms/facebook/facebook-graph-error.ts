import { ProviderError, type ProviderErrorKind } from '../../common/provider-error';
import { field, str } from '../common/http-json';

/** Graph's throttling codes: app (4), user (17), page (32), custom (613), Pages BUC (80001). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001]);
/** 190: access token invalid or expired; 102: session invalid. */
const TOKEN_CODES = new Set([190, 102]);

/** A Graph error body `{ error: { message, type, code, error_subcode?, fbtrace_id } }`. */
export class FacebookGraphError extends ProviderError {
  constructor(
    kind: ProviderErrorKind,
    message: string,
    readonly code: number | undefined,
    readonly subcode: number | undefined,
    options: { status?: number; retryAfterMs?: number } = {},
  ) {
    super('facebook', kind, message, options);
    this.name = 'FacebookGraphError';
  }

  get tokenInvalid(): boolean {
    return this.code !== undefined && TOKEN_CODES.has(this.code);
  }

  get rateLimited(): boolean {
    return this.kind === 'rate_limited';
  }
}

export function graphError(
  status: number,
  body: unknown,
  retryAfterMs?: number,
): FacebookGraphError {
  const error = field(body, 'error');
  const codeNumber = Number(field(error, 'code'));
  const code = Number.isFinite(codeNumber) ? codeNumber : undefined;
  const subNumber = Number(field(error, 'error_subcode'));
  const subcode = Number.isFinite(subNumber) ? subNumber : undefined;
  const kind: ProviderErrorKind =
    (code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429
      ? 'rate_limited'
      : status >= 500
        ? 'unavailable'
        : status === 404
          ? 'not_found'
          : 'rejected';
  // Graph messages name the problem, never the token; keep only message, code and trace id.
  const message = `Graph ${code !== undefined ? `code ${code}` : `HTTP ${status}`}: ${str(field(error, 'message')) ?? 'request failed'}${str(field(error, 'fbtrace_id')) ? ` (fbtrace_id ${str(field(error, 'fbtrace_id'))})` : ''}`;
  return new FacebookGraphError(kind, message, code, subcode, { status, retryAfterMs });
}
