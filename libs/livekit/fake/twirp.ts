import type { ServerResponse } from 'node:http';

/** Twirp error codes and the HTTP status each one is sent with (twitchtv/twirp spec v7). */
export const TWIRP_STATUS = {
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
} as const;

export type TwirpCode = keyof typeof TWIRP_STATUS;

export function isTwirpCode(value: unknown): value is TwirpCode {
  return typeof value === 'string' && Object.hasOwn(TWIRP_STATUS, value);
}

/** Thrown inside the fake's handlers; answered as a Twirp JSON error. */
export class TwirpFault extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
    this.name = 'TwirpFault';
  }
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // Exactly `application/json`: the SDK only parses an error body when the type matches.
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** `{ "code": "not_found", "msg": "…" }` with the code's HTTP status, as Twirp servers answer. */
export function writeTwirpError(res: ServerResponse, fault: TwirpFault): void {
  writeJson(res, TWIRP_STATUS[fault.code], { code: fault.code, msg: fault.message });
}
