import { randomBytes } from 'node:crypto';
import { AccessToken, TokenVerifier, type VideoGrant } from 'livekit-server-sdk';
import type { TokenRole } from './livekit.port';

/**
 * Minting and decoding of the browser tokens of seed 002. The grant table lives here, as
 * plain functions, so property tests can check it without a server:
 *
 * | role    | canPublish | canPublishData | canSubscribe | identity        |
 * | ------- | ---------- | -------------- | ------------ | --------------- |
 * | creator | true       | true           | true         | userId          |
 * | viewer  | false      | true           | true         | userId          |
 * | guest   | false      | true           | true         | guest-<random>  |
 *
 * Guests get a random suffix, not the seed's timestamp: two guests in the same second
 * would otherwise share an identity, and LiveKit disconnects the older one.
 */

export interface LiveKitCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface TokenSpec {
  role: TokenRole;
  identity: string;
  room: string;
  ttlSeconds: number;
  name?: string;
}

export interface MintedToken {
  token: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface DecodedToken {
  identity: string;
  name?: string;
  issuer: string;
  grant: VideoGrant;
  notBefore?: Date;
  expiresAt: Date;
}

export const GUEST_IDENTITY_PREFIX = 'guest-';

/** The video grant for a role in a room: only a creator may publish media. */
export function grantFor(role: TokenRole, room: string): VideoGrant {
  return {
    roomJoin: true,
    room,
    canPublish: role === 'creator',
    canPublishData: true,
    canSubscribe: true,
  };
}

/** `guest-` plus 16 hex characters of randomness (or the given suffix, for tests). */
export function guestIdentity(suffix: string = randomBytes(8).toString('hex')): string {
  return `${GUEST_IDENTITY_PREFIX}${suffix}`;
}

export function isGuestIdentity(identity: string): boolean {
  return (
    identity.startsWith(GUEST_IDENTITY_PREFIX) && identity.length > GUEST_IDENTITY_PREFIX.length
  );
}

export function creatorSpec(
  userId: string,
  room: string,
  ttlSeconds: number,
  name?: string,
): TokenSpec {
  return { role: 'creator', identity: requireId(userId, 'userId'), room, ttlSeconds, name };
}

export function viewerSpec(
  viewerId: string,
  room: string,
  ttlSeconds: number,
  name?: string,
): TokenSpec {
  return { role: 'viewer', identity: requireId(viewerId, 'viewerId'), room, ttlSeconds, name };
}

export function guestSpec(room: string, ttlSeconds: number, name?: string): TokenSpec {
  return { role: 'guest', identity: guestIdentity(), room, ttlSeconds, name };
}

export async function mintToken(
  credentials: LiveKitCredentials,
  spec: TokenSpec,
): Promise<MintedToken> {
  if (!Number.isInteger(spec.ttlSeconds) || spec.ttlSeconds < 1) {
    throw new RangeError(
      `token TTL must be a whole number of seconds >= 1 (got ${spec.ttlSeconds})`,
    );
  }
  const at = new AccessToken(credentials.apiKey, credentials.apiSecret, {
    identity: spec.identity,
    name: spec.name,
    ttl: spec.ttlSeconds,
  });
  at.addGrant(grantFor(spec.role, spec.room));
  const token = await at.toJwt();
  // Read the times back from the token itself, so they are exactly what LiveKit will check.
  const claims = unverifiedClaims(token);
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : Math.floor(Date.now() / 1000);
  const exp = typeof claims.exp === 'number' ? claims.exp : nbf + spec.ttlSeconds;
  return { token, issuedAt: new Date(nbf * 1000), expiresAt: new Date(exp * 1000) };
}

/** Verifies signature, issuer and expiry, then returns the identity and video grant. */
export async function decodeToken(
  credentials: LiveKitCredentials,
  token: string,
): Promise<DecodedToken> {
  const claims = await new TokenVerifier(credentials.apiKey, credentials.apiSecret).verify(token);
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
    throw new Error('token has no identity or expiry');
  }
  return {
    identity: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    issuer: claims.iss ?? '',
    grant: claims.video ?? {},
    notBefore: typeof claims.nbf === 'number' ? new Date(claims.nbf * 1000) : undefined,
    expiresAt: new Date(claims.exp * 1000),
  };
}

export interface RefreshPolicy {
  /** Share of the lifetime kept in reserve before expiry. */
  leadFraction: number;
  /** The reserve never exceeds this, so long-lived tokens are not refreshed needlessly early. */
  maxLeadMs: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicy = { leadFraction: 0.2, maxLeadMs: 5 * 60_000 };

/**
 * When a client should fetch a new token: before it expires, leaving a reserve of
 * min(leadFraction × lifetime, maxLeadMs) so a reconnect never presents an expired token.
 * Always in [issuedAt, expiresAt) for a positive lifetime.
 */
export function refreshBefore(
  issuedAt: Date,
  expiresAt: Date,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): Date {
  const lifetime = expiresAt.getTime() - issuedAt.getTime();
  if (lifetime <= 0) return new Date(issuedAt.getTime());
  const lead = Math.min(Math.max(lifetime * policy.leadFraction, 1), policy.maxLeadMs, lifetime);
  return new Date(expiresAt.getTime() - Math.max(1, Math.ceil(lead)));
}

function unverifiedClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function requireId(id: string, what: string): string {
  if (id.trim() === '') throw new RangeError(`${what} must not be empty`);
  return id;
}
