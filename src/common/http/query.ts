import { ApiError } from '../errors/api-error';

/** `?limit=` as a bounded integer, with a 400 that says what is expected. */
export function parseLimit(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw ApiError.badRequest('VALIDATION_FAILED', `limit must be an integer from 1 to ${max}`);
  }
  return n;
}

/** `?before=` as an ISO 8601 timestamp. */
export function parseTime(raw: string | undefined, name: string): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime()))
    throw ApiError.badRequest('VALIDATION_FAILED', `${name} must be an ISO 8601 timestamp`);
  return d;
}

/** The user ids tokens may carry (see TokenVerifier); anything else is refused before a query. */
export const USER_ID_PATTERN = /^[\w@.:-]{1,128}$/;

export function parseUserId(raw: string): string {
  if (!USER_ID_PATTERN.test(raw))
    throw ApiError.badRequest('VALIDATION_FAILED', 'userId is not a valid user id');
  return raw;
}
