import type { DataSource } from 'typeorm';
import { createTestDataSource } from '../../test/helpers/database';
import { SecretBox } from '../common/crypto/secret-box';
import { PlatformConnectionEntity } from './entities/platform-connection.entity';
import { DEFAULT_INGEST_URLS } from './platform-defaults';
import { PlatformsService } from './platforms.service';

describe('PlatformsService.credentials (real PostgreSQL)', () => {
  let ds: DataSource;
  let service: PlatformsService;
  beforeAll(async () => {
    ds = await createTestDataSource();
    service = new PlatformsService(
      ds.getRepository(PlatformConnectionEntity),
      new SecretBox(Buffer.alloc(32, 7).toString('base64')),
    );
  });
  afterAll(() => ds?.destroy());

  it('reads many users’ credentials at once in one query, each decrypted for its own user', async () => {
    const users = Array.from({ length: 40 }, (_, i) => `cred-user-${i}`);
    for (const [i, userId] of users.entries()) {
      await service.put(userId, 'twitch', {
        channel: `chan${i}`,
        streamKey: `live_key_${i}`,
        accessToken: `token-${i}`,
      });
    }
    await service.put(users[0], 'kick', { streamKey: 'kick-key-0' });
    const query = jest.spyOn(ds.getRepository(PlatformConnectionEntity), 'query');

    const [kick, unknown, ...twitch] = await Promise.all([
      service.credentials(users[0], 'kick'),
      service.credentials('cred-nobody', 'twitch'),
      ...users.map((u) => service.credentials(u, 'twitch')),
    ]);

    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();
    expect(unknown).toBeNull();
    expect(kick).toEqual({
      platform: 'kick',
      channel: null,
      ingestUrl: DEFAULT_INGEST_URLS.kick,
      streamKey: 'kick-key-0',
      accessToken: null,
      refreshToken: null,
    });
    twitch.forEach((c, i) =>
      expect(c).toEqual({
        platform: 'twitch',
        channel: `chan${i}`,
        ingestUrl: DEFAULT_INGEST_URLS.twitch,
        streamKey: `live_key_${i}`,
        accessToken: `token-${i}`,
        refreshToken: null,
      }),
    );
  });

  it('sees a change saved before the read', async () => {
    await service.put('cred-rotating', 'youtube', { streamKey: 'old-key' });
    expect((await service.credentials('cred-rotating', 'youtube'))?.streamKey).toBe('old-key');
    await service.put('cred-rotating', 'youtube', { streamKey: 'new-key' });
    expect((await service.credentials('cred-rotating', 'youtube'))?.streamKey).toBe('new-key');
  });
});
