import { randomUUID } from 'node:crypto';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from '../../src/health/database-health.indicator';
import { DataSource } from 'typeorm';
import type { NormalizedChatEvent } from '../../libs/platforms/platform-chat.port';
import { ChatEventEntity } from '../../src/chat/entities/chat-event.entity';
import type { ChatEventView } from '../../src/chat/chat-event.view';
import { ChatService, WRITER_LANES, writerLane } from '../../src/chat/chat.service';
import { EventBus } from '../../src/events/event-bus';
import { dataSourceOptions, MIGRATIONS } from '../../ormconfig';
import { chatEventId } from '../../src/chat/chat-event-id';
import { CHAT_EVENT_ID_SQL } from '../../src/database/migrations/1764640000000-chat-event-ids-from-platform-ids';
import { createTestDatabase, createTestDataSource } from '../helpers/database';
import { waitFor } from '../helpers/wait-for';

const event = (
  i: number,
  platform: NormalizedChatEvent['platform'] = 'twitch',
): NormalizedChatEvent => ({
  platform,
  type: 'message',
  author: { id: `v${i % 50}`, name: `viewer${i % 50}`, badges: [] },
  text: `message ${i}`,
  platformMessageId: `m-${i}`,
  at: new Date(1_800_000_000_000 + i).toISOString(),
});

describe('Chat ingest under a burst (real PostgreSQL)', () => {
  let ds: DataSource;
  let chat: ChatService;
  let bus: EventBus;

  beforeAll(async () => {
    ds = await createTestDataSource();
    bus = new EventBus();
    const health = new DatabaseHealthIndicator(new HealthIndicatorService(), ds);
    chat = new ChatService(ds.getRepository(ChatEventEntity), ds, bus, health);
  });
  afterAll(() => ds.destroy());

  it('stores 10,000 events from many sessions exactly once, even when re-delivered, and broadcasts each once', async () => {
    const broadcast: Record<string, number> = {};
    bus.on(
      'chat.events',
      ({ userId, events }) => (broadcast[userId] = (broadcast[userId] ?? 0) + events.length),
    );
    const users = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    for (let i = 0; i < 10_000; i++) chat.enqueue(users[i % users.length], null, [event(i)]);
    // The same messages again (a reconnecting monitor re-reading): nothing new.
    for (let i = 0; i < 2_000; i++) chat.enqueue(users[i % users.length], null, [event(i)]);
    await waitFor(
      async () => chat.pending === 0 && (await chat.flush(), chat.pending === 0),
      'the queue to drain',
      30_000,
    );
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM chat_events WHERE user_id LIKE 'burst-%'`,
    );
    expect(n).toBe(10_000);
    expect(Object.values(broadcast).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(broadcast['burst-0']).toBe(500);
  });

  it('stores every event of a batch whatever its timestamp, and broadcasts the contract shape', async () => {
    const seen: ChatEventView[] = [];
    bus.on('chat.events', ({ userId, events }) => userId === 'odd' && seen.push(...events));
    const at = (i: number, value: string): NormalizedChatEvent => ({ ...event(i), at: value });
    const before = new Date().toISOString();
    const broadcastId = randomUUID();
    await ds.query(`INSERT INTO broadcasts (id, user_id, started_at) VALUES ($1, 'odd', now())`, [
      broadcastId,
    ]);
    chat.enqueue('odd', broadcastId, [
      at(1, '2026-02-30T10:00:00.000Z'), // JavaScript rolls it over; PostgreSQL would refuse it
      at(2, '2026-12-02T05:00:00+02:00'),
      at(3, 'not a date'),
      { ...at(4, '2026-12-02T03:04:05.678Z'), amount: { value: 5, currency: 'USD' } },
      at(6, '0000-06-01T00:00:00.000Z'), // valid to JavaScript, out of PostgreSQL's range
      at(7, '+275760-09-13T00:00:00.000Z'), // the latest date JavaScript has
    ]);
    await chat.flush();
    expect(chat.pending).toBe(0);
    expect(seen.map((v) => v.at)).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-12-02T03:00:00.000Z',
      expect.any(String),
      '2026-12-02T03:04:05.678Z',
      expect.any(String),
      expect.any(String),
    ]);
    for (const i of [2, 4, 5]) expect(seen[i].at >= before).toBe(true);
    expect(Object.keys(seen[0]).sort()).toEqual(
      ['at', 'author', 'id', 'platform', 'platformMessageId', 'text', 'type', 'userId'].sort(),
    );
    expect(seen[3]).toEqual({
      id: expect.any(String),
      userId: 'odd',
      platform: 'twitch',
      type: 'message',
      author: { id: 'v4', name: 'viewer4', badges: [] },
      text: 'message 4',
      amount: { value: 5, currency: 'USD' },
      platformMessageId: 'm-4',
      at: '2026-12-02T03:04:05.678Z',
    });
    // What is stored is what was shown.
    const history = await chat.history('odd', undefined, 10);
    const byId = (list: ChatEventView[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(history)).toEqual(byId(seen)); // several are "now": their order is not fixed
    expect(history.map((v) => v.at)).toEqual(
      seen
        .map((v) => v.at)
        .sort()
        .reverse(),
    );

    // One of them again, with a new one: only the new one is shown and counted.
    chat.enqueue('odd', broadcastId, [at(4, '2026-12-02T03:04:05.678Z'), event(5)]);
    await chat.flush();
    expect(seen.map((v) => v.platformMessageId)).toEqual([
      'm-1',
      'm-2',
      'm-3',
      'm-4',
      'm-6',
      'm-7',
      'm-5',
    ]);
    const [{ chat_count }] = await ds.query('SELECT chat_count FROM broadcasts WHERE id = $1', [
      broadcastId,
    ]);
    expect(chat_count).toBe(7);
  });

  it('keeps what the database refused and stores it once the database is back', async () => {
    await ds.query(`ALTER TABLE chat_events RENAME TO chat_events_away`);
    chat.enqueue('outage', null, [event(1, 'kick'), event(2, 'kick')]);
    await chat.flush();
    expect(chat.pending).toBe(2);
    await ds.query(`ALTER TABLE chat_events_away RENAME TO chat_events`);
    await waitFor(async () => (await chat.flush(), chat.pending === 0), 'the retry', 10_000);
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM chat_events WHERE user_id = 'outage'`,
    );
    expect(n).toBe(2);
  });

  it("stores other streamers' chat while one streamer's write is held up", async () => {
    expect(WRITER_LANES).toBeGreaterThan(1);
    const held = 'held-0';
    const other = Array.from({ length: 20 }, (_, i) => `free-${i}`).find(
      (u) => writerLane(u) !== writerLane(held),
    )!;
    const broadcastId = randomUUID();
    await ds.query(`INSERT INTO broadcasts (id, user_id, started_at) VALUES ($1, $2, now())`, [
      broadcastId,
      held,
    ]);
    const shown: string[] = [];
    bus.on('chat.events', ({ userId }) => shown.push(userId));
    // Another transaction holds the broadcast's row: the held streamer's statement waits.
    const lock = ds.createQueryRunner();
    await lock.startTransaction();
    try {
      await lock.query('SELECT 1 FROM broadcasts WHERE id = $1 FOR UPDATE', [broadcastId]);
      chat.enqueue(held, broadcastId, [event(1)]);
      chat.enqueue(other, null, [event(2)]);
      await waitFor(async () => shown.includes(other), "the other streamer's chat", 10_000);
      expect(shown).not.toContain(held);
      expect(await chat.count(other)).toBe(1);
    } finally {
      await lock.commitTransaction();
      await lock.release();
    }
    await chat.flush();
    expect(shown).toContain(held);
    expect(await chat.count(held)).toBe(1);
  });

  it('shows, stores and counts a message once when a batch holds it twice', async () => {
    const shown: string[] = [];
    bus.on('chat.events', ({ userId, events }) => {
      if (userId === 'twice') shown.push(...events.map((v) => v.platformMessageId));
    });
    const broadcastId = randomUUID();
    await ds.query(`INSERT INTO broadcasts (id, user_id, started_at) VALUES ($1, 'twice', now())`, [
      broadcastId,
    ]);
    chat.enqueue('twice', broadcastId, [event(1), event(2), event(1)]);
    chat.enqueue('twice', broadcastId, [event(2), event(3)]);
    await chat.flush();
    expect(shown).toEqual(['m-1', 'm-2', 'm-3']);
    const [{ chat_count }] = await ds.query('SELECT chat_count FROM broadcasts WHERE id = $1', [
      broadcastId,
    ]);
    expect(chat_count).toBe(3);
    expect(await chat.count('twice')).toBe(3);
  });

  it('derives ids in SQL exactly as chatEventId does, whatever the parts hold', async () => {
    const parts: [string, string, string][] = [
      ['user-1', 'twitch', 'abc'],
      ['a "quoted" \\ user', 'kick', 'line\nbreak\ttab\u0001'],
      ['émile 🎮', 'youtube', 'LCC.Cg8KDQoLZXhhbXBsZQ=='],
      ['u', 'facebook', '\u2028\u007f/</script>'],
    ];
    for (const [userId, platform, messageId] of parts) {
      const [{ id }] = await ds.query(
        `SELECT ${CHAT_EVENT_ID_SQL} AS id
           FROM (VALUES ($1::text, $2::text, $3::text)) AS t(user_id, platform, platform_message_id)`,
        [userId, platform, messageId],
      );
      expect(id).toBe(chatEventId(userId, platform, messageId));
    }
  });

  it('gives rows stored before the derived ids theirs, so a re-delivery after the upgrade is recognized', async () => {
    const url = await createTestDatabase();
    const before = randomUUID();
    const old = new DataSource({ ...dataSourceOptions(url), migrations: MIGRATIONS.slice(0, -1) });
    await old.initialize();
    try {
      await old.runMigrations();
      await old.query(
        `INSERT INTO chat_events (id, user_id, platform, type, author, platform_message_id, at)
         VALUES ($1, 'upgraded', 'twitch', 'message', '{}', 'm-1', now())`,
        [before],
      );
    } finally {
      await old.destroy();
    }
    const upgraded = new DataSource(dataSourceOptions(url));
    await upgraded.initialize();
    try {
      await upgraded.runMigrations();
      const [{ id }] = await upgraded.query(
        `SELECT id FROM chat_events WHERE user_id = 'upgraded'`,
      );
      expect(id).toBe(chatEventId('upgraded', 'twitch', 'm-1'));
      expect(id).not.toBe(before);
      const service = new ChatService(
        upgraded.getRepository(ChatEventEntity),
        upgraded,
        bus,
        new DatabaseHealthIndicator(new HealthIndicatorService(), upgraded),
      );
      expect(await service.ingest('upgraded', null, [event(1), event(2)])).toEqual([
        expect.objectContaining({ platformMessageId: 'm-2' }),
      ]);
      expect(await service.count('upgraded')).toBe(2);
    } finally {
      await upgraded.destroy();
    }
  });
});
