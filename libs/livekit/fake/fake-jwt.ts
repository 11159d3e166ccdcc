import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 JWTs written by hand, not with the SDK under test, so the fake checks the wire
 * format on its own terms: header.payload.signature, base64url, HMAC-SHA256 of the secret.
 */

export type JwtClaims = Record<string, unknown>;

export function signHs256(claims: JwtClaims, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export type JwtProblem =
  'malformed' | 'bad_signature' | 'wrong_issuer' | 'expired' | 'not_yet_valid';

export class JwtError extends Error {
  constructor(readonly problem: JwtProblem) {
    super(`invalid token: ${problem}`);
    this.name = 'JwtError';
  }
}

/** Checks alg, signature, issuer (the API key), exp (required) and nbf, with a small leeway. */
export function verifyHs256(
  token: string,
  issuer: string,
  secret: string,
  nowSeconds: number = Date.now() / 1000,
  leewaySeconds = 10,
): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed');
  const [header, payload, signature] = parts;
  const parsedHeader = parseJson(header);
  if (parsedHeader.alg !== 'HS256') throw new JwtError('malformed');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new JwtError('bad_signature');
  const claims = parseJson(payload);
  if (claims.iss !== issuer) throw new JwtError('wrong_issuer');
  if (typeof claims.exp !== 'number' || claims.exp + leewaySeconds < nowSeconds)
    throw new JwtError('expired');
  if (typeof claims.nbf === 'number' && claims.nbf - leewaySeconds > nowSeconds)
    throw new JwtError('not_yet_valid');
  return claims;
}

/** base64 (not base64url) of SHA-256, the `sha256` claim of a LiveKit webhook token. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body).digest('base64');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function parseJson(part: string): JwtClaims {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as JwtClaims;
  } catch {
    // fall through
  }
  throw new JwtError('malformed');
}
