import type { ServerResponse } from 'node:http';

/** Cloudflare's v4 envelope, used for every answer, errors included. */
export interface Envelope {
  success: boolean;
  errors: Array<{ code: number; message: string }>;
  messages: Array<{ code: number; message: string }>;
  result: unknown;
  [extra: string]: unknown;
}

export function okEnvelope(result: unknown, extra: Record<string, unknown> = {}): Envelope {
  return { success: true, errors: [], messages: [], result, ...extra };
}

export function errorEnvelope(code: number, message: string): Envelope {
  return { success: false, errors: [{ code, message }], messages: [], result: null };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Error codes the fake uses (Cloudflare's schema requires codes ≥ 1000). */
export const FAKE_ERROR = {
  authentication: { code: 10000, message: 'Authentication error' },
  unauthenticated: { code: 10001, message: 'Unable to authenticate request' },
  invalidJson: { code: 10002, message: 'Invalid JSON in request body' },
  liveInputNotFound: { code: 10003, message: 'Live input not found' },
  outputNotFound: { code: 10004, message: 'Output not found' },
  badRequest: { code: 10005, message: 'Bad request' },
  tooManyOutputs: { code: 10006, message: 'Maximum number of outputs reached for this live input' },
  noRoute: { code: 7003, message: 'No route for the URI' },
  rateLimited: { code: 1015, message: 'You are being rate limited' },
  internal: { code: 10500, message: 'Internal server error' },
} as const;
