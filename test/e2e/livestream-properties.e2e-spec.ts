import fc from 'fast-check';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import type { FakeLiveKitServer } from '../../libs/livekit/fake';
import { asUser, livekitEnv, routeLiveKitWebhooks, startLiveKitFake } from '../helpers/livekit';
import { createTestApp, TestApp } from '../helpers/test-app';

/** Seed 002's properties P1–P4 and P8, over the HTTP API, the real service and PostgreSQL. */
describe('Stream record properties (seed 002)', () => {
  let cloudflare: CloudflareFake;
  let livekit: FakeLiveKitServer;
  let t: TestApp;
  let n = 0;
  const freshUser = async () => asUser(t, `prop${n++}`);

  beforeAll(async () => {
    cloudflare = await createCloudflareFake({ port: 0 });
    livekit = await startLiveKitFake();
    t = await createTestApp(livekitEnv(livekit), cloudflare);
    routeLiveKitWebhooks(livekit, t);
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
    await cloudflare.close();
  });

  const title = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
    .filter((s) => /\S/.test(s) && s.length <= 140);
  const description = fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: null });
  const chat = fc.record(
    { isChatEnabled: fc.boolean(), isChatDelayed: fc.boolean(), isChatFollowersOnly: fc.boolean() },
    { requiredKeys: [] },
  );

  it('P8: any non-empty title creates or updates the record with exactly the data sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ title, description, chat }), { minLength: 1, maxLength: 3 }),
        async (setups) => {
          const me = await freshUser();
          for (const s of setups) {
            const sent = { title: s.title, description: s.description, ...s.chat };
            const res = await me.post('/api/stream/setup', sent).expect(200);
            const stored = (await me.get('/api/stream/info').expect(200)).body;
            expect(stored).toEqual(res.body);
            expect(stored).toMatchObject(sent);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('P8: a blank, missing or oversized title is refused and nothing is stored', async () => {
    const blank = fc.constantFrom('', ' ', '\t', '  \n ');
    const oversized = fc.string({ minLength: 141, maxLength: 200 }).filter((s) => /\S/.test(s));
    await fc.assert(
      fc.asyncProperty(fc.oneof(blank, oversized, fc.constant(undefined)), async (bad) => {
        const me = await freshUser();
        const res = await me
          .post('/api/stream/setup', bad === undefined ? {} : { title: bad })
          .expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        await me.get('/api/stream/info').expect(404);
      }),
      { numRuns: 20 },
    );
  });

  it('P1: every successful go-live leaves the stream live', async () => {
    await fc.assert(
      fc.asyncProperty(title, fc.integer({ min: 1, max: 3 }), async (name, times) => {
        const me = await freshUser();
        await me.post('/api/stream/setup', { title: name }).expect(200);
        for (let i = 0; i < times; i++) {
          const live = await me.post('/api/stream/go-live').expect(200);
          expect(live.body.stream.isLive).toBe(true);
        }
        expect((await me.get('/api/stream/info').expect(200)).body.isLive).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('P2: end-stream always leaves the stream offline, live before or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), async (wentLive, published) => {
        const me = await freshUser();
        const userId = `prop${n - 1}`;
        await me.post('/api/stream/setup', { title: 'p2' }).expect(200);
        if (wentLive) {
          await me.post('/api/stream/go-live').expect(200);
          if (published) await livekit.simulatePublish(userId, userId);
        }
        const ended = await me.post('/api/stream/end-stream').expect(200);
        expect(ended.body.stream.isLive).toBe(false);
        expect((await me.get('/api/stream/info').expect(200)).body.isLive).toBe(false);
        expect((await me.get('/api/stream/status').expect(200)).body).toMatchObject({
          isLive: false,
          publishing: false,
        });
      }),
      { numRuns: 20 },
    );
  });

  it('P3: title and description updates never change isLive', async () => {
    const update = fc.record({ title, description }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(update, { minLength: 1, maxLength: 5 }),
        async (live, updates) => {
          const me = await freshUser();
          await me.post('/api/stream/setup', { title: 'before' }).expect(200);
          if (live) await me.post('/api/stream/go-live').expect(200);
          let expected = { title: 'before', description: null as string | null };
          for (const u of updates) {
            const res = await me.put('/api/stream/info', u).expect(200);
            expected = { ...expected, ...u };
            expect(res.body).toMatchObject({ ...expected, isLive: live });
          }
          expect((await me.get('/api/stream/info').expect(200)).body).toMatchObject({
            ...expected,
            isLive: live,
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('P4: every chat setting toggle is persisted; flags not sent keep their value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(chat, { minLength: 1, maxLength: 6 }), async (changes) => {
        const me = await freshUser();
        await me.post('/api/stream/setup', { title: 'chat' }).expect(200);
        let model = { isChatEnabled: true, isChatDelayed: false, isChatFollowersOnly: false };
        for (const change of changes) {
          await me.put('/api/stream/chat-settings', change).expect(200);
          model = { ...model, ...change };
          expect((await me.get('/api/stream/info').expect(200)).body).toMatchObject(model);
        }
      }),
      { numRuns: 30 },
    );
  });
});
