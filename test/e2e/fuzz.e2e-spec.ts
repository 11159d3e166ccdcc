import fc from 'fast-check';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { createTestApp, TestApp } from '../helpers/test-app';

/**
 * A small sample of generated requests against every route (the chaos run does many
 * more): no shape of input may produce a 5xx, every error has the contract's shape, and
 * no user can reach another user's data.
 */
describe('Fuzzed HTTP input', () => {
  let fake: CloudflareFake;
  let t: TestApp;
  let streamer: string;
  let ops: string;
  beforeAll(async () => {
    fake = await createCloudflareFake({ port: 0 });
    t = await createTestApp({ RECONCILE_INTERVAL: '1h' }, fake);
    streamer = await t.token('fuzzer');
    ops = await t.token('fuzz-ops', 'ops');
    await t.http().post('/api/session').set('Authorization', `Bearer ${streamer}`).expect(200);
    await t
      .http()
      .post('/api/session')
      .set('Authorization', `Bearer ${await t.token('victim')}`)
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const routes: [method: 'get' | 'post' | 'put' | 'delete', path: string][] = [
    ['post', '/api/session'],
    ['get', '/api/session'],
    ['post', '/api/session/start'],
    ['post', '/api/session/stop'],
    ['put', '/api/session/outputs/:p'],
    ['get', '/api/ingest'],
    ['post', '/api/ingest/reveal'],
    ['get', '/api/platforms'],
    ['put', '/api/platforms/:p'],
    ['delete', '/api/platforms/:p'],
    ['get', '/api/chat'],
    ['post', '/api/chat'],
    ['get', '/api/broadcasts'],
    ['get', '/api/streams/:p/status'],
    ['get', '/api/ops/sessions'],
    ['get', '/api/ops/sessions/:p'],
    ['post', '/api/ops/sessions/:p/reconcile'],
    ['post', '/api/ops/sessions/:p/force-stop'],
    ['get', '/api/ops/audit'],
    ['post', '/webhooks/cloudflare/live-input'],
    ['post', '/webhooks/cloudflare/video'],
  ];

  const segment = fc.oneof(
    fc.constantFrom(
      'twitch',
      'youtube',
      'kick',
      'facebook',
      'victim',
      'fuzzer',
      '..',
      '%00',
      '%E0%A4%A',
      'a'.repeat(300),
    ),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
  );
  const query = fc.dictionary(
    fc.constantFrom('limit', 'before', 'state', 'stuck', 'userId', 'x'),
    fc.string({ maxLength: 20 }),
    {
      maxKeys: 3,
    },
  );
  const body = fc.oneof(
    fc.jsonValue(),
    fc.object(),
    fc.string().map((s) => ({ raw: s })),
  );

  it('never answers 5xx, and always with the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        segment,
        query,
        body,
        fc.constantFrom(streamer, ops, 'garbage', ''),
        async ([method, path], seg, q, payload, token) => {
          const url = path.replace(':p', seg);
          let req = t.http()[method](url).query(q);
          if (token) req = req.set('Authorization', `Bearer ${token}`);
          const res =
            method === 'get' || method === 'delete'
              ? await req
              : await req.set('Content-Type', 'application/json').send(JSON.stringify(payload));
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body).toEqual(
              expect.objectContaining({
                statusCode: res.status,
                error: expect.any(String),
                message: expect.any(String),
                code: expect.any(String),
              }),
            );
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });

  it('keeps every user in their own session, whatever they send', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/session',
          '/api/ingest',
          '/api/platforms',
          '/api/chat',
          '/api/broadcasts',
        ),
        async (path) => {
          const res = await t.http().get(path).set('Authorization', `Bearer ${streamer}`);
          expect(JSON.stringify(res.body)).not.toContain('victim');
        },
      ),
      { numRuns: 20 },
    );
    for (const path of ['/api/ops/sessions', '/api/ops/sessions/victim', '/api/ops/audit']) {
      await t.http().get(path).set('Authorization', `Bearer ${streamer}`).expect(403);
    }
  });
});
