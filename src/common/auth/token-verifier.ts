import { createRemoteJWKSet, errors, jwtVerify, JWTVerifyGetKey, SignJWT } from 'jose';
import type { AppConfig } from '../../config/app-config';
import { ApiError } from '../errors/api-error';
import { USER_ID_PATTERN } from '../http/query';
import { Principal, Role } from './principal';

/** Verifies bearer tokens: HS256 with JWT_SECRET, or RS/ES keys from JWT_JWKS_URL. */
export class TokenVerifier {
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;

  constructor(private readonly auth: AppConfig['auth']) {
    if (auth.jwksUrl) this.jwks = createRemoteJWKSet(new URL(auth.jwksUrl));
    else if (auth.jwtSecret) this.secret = new TextEncoder().encode(auth.jwtSecret);
    else throw new Error('TokenVerifier needs JWT_SECRET or JWT_JWKS_URL');
  }

  async verify(token: string): Promise<Principal> {
    try {
      const options = {
        issuer: this.auth.issuer,
        audience: this.auth.audience,
        requiredClaims: ['sub', 'exp'],
      };
      const { payload } = this.jwks
        ? await jwtVerify(token, this.jwks, options)
        : await jwtVerify(token, this.secret!, { ...options, algorithms: ['HS256'] });
      const role = payload.role;
      if (role !== 'streamer' && role !== 'ops') {
        throw ApiError.unauthorized(
          'UNAUTHORIZED',
          'Token has no valid role claim (streamer or ops)',
        );
      }
      if (typeof payload.sub !== 'string' || !USER_ID_PATTERN.test(payload.sub)) {
        throw ApiError.unauthorized('UNAUTHORIZED', 'Token subject is not a valid user id');
      }
      return { userId: payload.sub, role };
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (err instanceof errors.JWTExpired)
        throw ApiError.unauthorized('TOKEN_EXPIRED', 'Token has expired');
      throw ApiError.unauthorized('UNAUTHORIZED', 'Invalid bearer token');
    }
  }

  /** Mints a local HS256 token (dev sign-in, `npm run token`, tests). */
  static async sign(
    secret: string,
    userId: string,
    role: Role,
    ttlSeconds = 12 * 3600,
  ): Promise<string> {
    return new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(new TextEncoder().encode(secret));
  }
}

export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return m?.[1];
}
