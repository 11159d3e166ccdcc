import { randomUUID } from 'node:crypto';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { createTestDataSource } from '../../test/helpers/database';
import { BroadcastEntity } from '../broadcasts/entities/broadcast.entity';
import { OutputEntity } from '../broadcasts/entities/output.entity';
import { SessionEntity } from '../sessions/entities/session.entity';
import { StreamEntity } from '../streams/entities/stream.entity';
import { entityFromJson } from './json-entity';

/** entityFromJson must give exactly what the repository gives, for every column type we use. */
describe('entityFromJson (real PostgreSQL)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await createTestDataSource();
  });
  afterAll(() => ds?.destroy());

  async function same<T extends ObjectLiteral>(
    target: EntityTarget<T>,
    table: string,
    where: Partial<T>,
    key: [string, string],
  ): Promise<void> {
    const meta = ds.getMetadata(target);
    const fromRepo = await ds.getRepository(target).findOneByOrFail(where);
    const [{ row }] = (await ds.query(
      `SELECT to_jsonb(t) AS row FROM ${table} t WHERE t.${key[0]} = $1`,
      [key[1]],
    )) as [{ row: Record<string, unknown> }];
    const fromJson = entityFromJson<T>(meta, row);
    expect(fromJson).toEqual({ ...fromRepo });
    // Every column is there, also the null ones, as the repository gives them.
    expect(Object.keys(fromJson!).sort()).toEqual(meta.columns.map((c) => c.propertyName).sort());
  }

  it('maps dates (also database defaults with microseconds), bigint, jsonb, arrays and nulls', async () => {
    const broadcastId = randomUUID();
    await ds.getRepository(SessionEntity).insert({
      userId: 'json-user',
      state: 'streaming',
      substate: 'live',
      stateSince: new Date('2026-12-02T03:04:05.678Z'),
      active: true,
      ownerNode: 'node-a',
      ownerEpoch: '9007199254740',
      broadcastId,
      cleanupAttempts: 2,
      version: 7,
    });
    await same(SessionEntity, 'sessions', { userId: 'json-user' }, ['user_id', 'json-user']);

    await ds.getRepository(StreamEntity).insert({
      userId: 'json-user',
      providerInputId: 'input-1',
      rtmpsUrl: 'rtmps://live.example/live/',
      rtmpsStreamKeyEnc: 'v1.a.b.c',
      playback: { hls: 'https://example/hls.m3u8' } as StreamEntity['playback'],
      settings: { liveStream: { title: 'x', nested: [1, 2] } },
    });
    await same(StreamEntity, 'streams', { userId: 'json-user' }, ['user_id', 'json-user']);

    await ds.getRepository(BroadcastEntity).insert({
      id: broadcastId,
      userId: 'json-user',
      title: 'Title',
      platforms: ['twitch', 'kick'],
      startedAt: new Date('2026-12-02T03:00:00.001Z'),
      peakViewers: 12,
      chatCount: 3,
    });
    await same(BroadcastEntity, 'broadcasts', { id: broadcastId }, ['id', broadcastId]);

    const outputId = randomUUID();
    await ds.getRepository(OutputEntity).insert({
      id: outputId,
      broadcastId,
      userId: 'json-user',
      platform: 'twitch',
      status: 'failed',
      lastError: 'boom',
      attempts: 4,
    });
    await same(OutputEntity, 'outputs', { id: outputId }, ['id', outputId]);
  });

  it('is null for no row', () => {
    expect(entityFromJson(ds.getMetadata(StreamEntity), null)).toBeNull();
    expect(entityFromJson(ds.getMetadata(StreamEntity), undefined)).toBeNull();
  });
});
