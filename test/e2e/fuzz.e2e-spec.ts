import fc from 'fast-check';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { createTestApp, TestApp } from '../helpers/test-app';
import { io } from 'socket.io-client';
import { httpCaseArb, isErrorBody, runSocketCase, socketCaseArb } from '../fuzz/fuzz-inputs';

/**
 * A small sample of generated requests against every route (the chaos run does many
 * more): no shape of input may produce a 5xx, every error has the contract's shape, and
 * no user can reach another user's data.
 */
describe('Fuzzed HTTP and socket input', () => {
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

  it('never answers 5xx, and always with the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        httpCaseArb(['victim', 'fuzzer']),
        fc.constantFrom(streamer, ops, 'garbage', ''),
        async ({ method, path, query, body }, token) => {
          let req = t.http()[method](path).query(query);
          if (token) req = req.set('Authorization', `Bearer ${token}`);
          const res =
            method === 'get' || method === 'delete'
              ? await req
              : await req.set('Content-Type', 'application/json').send(JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(isErrorBody(res.status, res.body)).toBe(true);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });

  it('answers every generated socket command with a well-formed acknowledgement', async () => {
    const socket = io(`${t.baseUrl}/live`, {
      auth: { token: streamer },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    try {
      await fc.assert(
        fc.asyncProperty(socketCaseArb, async (c) => {
          expect(await runSocketCase(socket, c)).toBeUndefined();
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
      );
      // Still the same healthy connection afterwards.
      expect(socket.connected).toBe(true);
      const ack = (await socket.timeout(5000).emitWithAck('session:resync', {})) as { ok: boolean };
      expect(ack.ok).toBe(true);
    } finally {
      socket.disconnect();
    }
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
