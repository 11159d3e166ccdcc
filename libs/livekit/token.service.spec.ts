import fc from 'fast-check';
import { LiveKitAdapter } from './livekit.adapter';
import {
  decodeToken,
  grantFor,
  guestIdentity,
  isGuestIdentity,
  mintToken,
  refreshBefore,
  viewerSpec,
  type LiveKitCredentials,
} from './token.service';

const credentials: LiveKitCredentials = {
  apiKey: 'APIkey123',
  apiSecret: 'secret-for-token-tests-0123456789',
};

// The port, not only the pure functions: the tokens the service hands out are what matter.
const livekit = new LiveKitAdapter({
  host: 'http://127.0.0.1:1',
  wsUrl: 'wss://livekit.example.test',
  ...credentials,
  tokenTtlSeconds: 600,
});

const userId = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const ttl = fc.integer({ min: 1, max: 7 * 24 * 3600 });

describe('LiveKit tokens (seed 002 token grants)', () => {
  it('Property 5: every viewer token, authenticated or guest, has canPublish=false', async () => {
    await fc.assert(
      fc.asyncProperty(userId, userId, fc.boolean(), async (viewerId, hostId, guest) => {
        const issued = guest
          ? await livekit.createGuestToken(hostId)
          : await livekit.createViewerToken(viewerId, hostId);
        const decoded = await decodeToken(credentials, issued.token);
        expect(decoded.grant.canPublish).toBe(false);
        expect(decoded.grant.canSubscribe).toBe(true);
        expect(decoded.grant.roomJoin).toBe(true);
        expect(decoded.grant.room).toBe(livekit.roomNameForUser(hostId));
      }),
      { numRuns: 60 },
    );
  });

  it('Property 6: an authenticated viewer token identity is the viewer userId', async () => {
    await fc.assert(
      fc.asyncProperty(userId, userId, async (viewerId, hostId) => {
        const issued = await livekit.createViewerToken(viewerId, hostId);
        expect(issued.identity).toBe(viewerId);
        expect((await decodeToken(credentials, issued.token)).identity).toBe(viewerId);
      }),
      { numRuns: 60 },
    );
  });

  it('Property 7: a guest token identity starts with "guest-" and differs between guests', async () => {
    await fc.assert(
      fc.asyncProperty(userId, async (hostId) => {
        const [a, b] = await Promise.all([
          livekit.createGuestToken(hostId),
          livekit.createGuestToken(hostId),
        ]);
        const decoded = await decodeToken(credentials, a.token);
        expect(decoded.identity.startsWith('guest-')).toBe(true);
        expect(isGuestIdentity(decoded.identity)).toBe(true);
        expect(a.identity).not.toBe(b.identity);
      }),
      { numRuns: 40 },
    );
  });

  it('a creator token may publish media and data in exactly its own room, identity = userId', async () => {
    await fc.assert(
      fc.asyncProperty(userId, async (creatorId) => {
        const issued = await livekit.createCreatorToken(creatorId);
        const decoded = await decodeToken(credentials, issued.token);
        expect(decoded.identity).toBe(creatorId);
        expect(decoded.grant).toMatchObject({
          roomJoin: true,
          room: livekit.roomNameForUser(creatorId),
          canPublish: true,
          canPublishData: true,
          canSubscribe: true,
        });
        expect(decoded.grant.roomAdmin).toBeUndefined();
        expect(decoded.grant.roomRecord).toBeUndefined();
        expect(issued.wsUrl).toBe('wss://livekit.example.test');
      }),
      { numRuns: 40 },
    );
  });

  it('only the creator role grants canPublish; every role may subscribe and send data', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('creator' as const, 'viewer' as const, 'guest' as const),
        userId,
        (role, room) => {
          const grant = grantFor(role, room);
          expect(grant.canPublish).toBe(role === 'creator');
          expect(grant.canPublishData).toBe(true);
          expect(grant.canSubscribe).toBe(true);
          expect(grant.room).toBe(room);
        },
      ),
    );
  });

  it('a token expires exactly its TTL after it becomes valid, and says so', async () => {
    await fc.assert(
      fc.asyncProperty(ttl, userId, async (ttlSeconds, viewerId) => {
        const minted = await mintToken(credentials, viewerSpec(viewerId, 'room', ttlSeconds));
        const decoded = await decodeToken(credentials, minted.token);
        expect(minted.expiresAt.getTime() - minted.issuedAt.getTime()).toBe(ttlSeconds * 1000);
        expect(decoded.expiresAt).toEqual(minted.expiresAt);
        expect(decoded.notBefore).toEqual(minted.issuedAt);
      }),
      { numRuns: 40 },
    );
  });

  it('the adapter applies its TTL unless a call overrides it', async () => {
    const byDefault = await livekit.createCreatorToken('alice');
    const overridden = await livekit.createCreatorToken('alice', { ttlSeconds: 30 });
    expect(byDefault.expiresAt.getTime() - byDefault.issuedAt.getTime()).toBe(600_000);
    expect(overridden.expiresAt.getTime() - overridden.issuedAt.getTime()).toBe(30_000);
  });

  it('refuses a TTL that is not a positive whole number of seconds', async () => {
    for (const bad of [0, -5, 1.5, Number.NaN]) {
      await expect(mintToken(credentials, viewerSpec('v', 'r', bad))).rejects.toThrow(RangeError);
    }
  });

  it('refuses an empty user id rather than minting an anonymous identity', async () => {
    await expect(livekit.createViewerToken('  ', 'host')).rejects.toMatchObject({
      name: 'ProviderError',
      kind: 'rejected',
    });
    await expect(livekit.createCreatorToken('')).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('a token signed with another secret does not decode', async () => {
    const issued = await livekit.createViewerToken('v', 'h');
    await expect(
      decodeToken({ ...credentials, apiSecret: 'another-secret-0123456789abcdef' }, issued.token),
    ).rejects.toThrow();
  });

  it('guestIdentity keeps the suffix it is given', () => {
    expect(guestIdentity('abc')).toBe('guest-abc');
    expect(isGuestIdentity('guest-')).toBe(false);
    expect(isGuestIdentity('alice')).toBe(false);
  });
});

describe(refreshBefore.name, () => {
  const instant = fc.integer({ min: 0, max: 4_000_000_000_000 });
  const lifetime = fc.integer({ min: 1, max: 30 * 24 * 3600 * 1000 });

  it('always asks for a refresh before expiry and never before issuance', () => {
    fc.assert(
      fc.property(instant, lifetime, (issued, life) => {
        const at = refreshBefore(new Date(issued), new Date(issued + life)).getTime();
        expect(at).toBeGreaterThanOrEqual(issued);
        expect(at).toBeLessThan(issued + life);
      }),
    );
  });

  it('keeps min(20% of the lifetime, 5 minutes) in reserve', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 10, max: 30 * 24 * 3600 * 1000 }), (issued, life) => {
        const reserve =
          issued + life - refreshBefore(new Date(issued), new Date(issued + life)).getTime();
        expect(reserve).toBe(Math.ceil(Math.min(life * 0.2, 5 * 60_000)));
      }),
    );
  });

  it('issued tokens carry a refreshAt inside their lifetime', async () => {
    const issued = await livekit.createViewerToken('v', 'h', { ttlSeconds: 3600 });
    expect(issued.refreshAt.getTime()).toBe(issued.expiresAt.getTime() - 5 * 60_000);
  });
});
