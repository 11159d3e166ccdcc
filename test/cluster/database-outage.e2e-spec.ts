import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { TokenVerifier } from '../../src/common/auth/token-verifier';
import { killAllServices, ServiceProcess } from '../crash/service-process';
import { freePort } from '../helpers/free-port';
import { closeAllPostgres, PostgresProcess } from '../helpers/postgres-process';
import { cloudflareEnv, TEST_JWT_SECRET } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

/**
 * How long each outage lasts (a chaos run sets 30000) and how many there are. Two by
 * default: what leaks a connection per outage only shows on the second one.
 */
const OUTAGE_MS = Number(process.env.DB_OUTAGE_MS ?? 3000);
const OUTAGES = Number(process.env.DB_OUTAGES ?? 2);
const LEASE_TTL_MS = 2000; // shorter than the outage: every lease expires while the database is down
const USERS = ['outage-a', 'outage-b', 'outage-c'];

jest.setTimeout(90_000 + OUTAGES * (OUTAGE_MS + 30_000));

interface Reported {
  userId: string;
  from: string;
  to: string;
  reason: string;
  by: string;
  at: string;
}

interface ReadyBody {
  status: string;
  error?: { database?: { status: string; queuedWrites?: number; message?: string } };
  info?: { database?: { status: string; queuedWrites?: number } };
}

/**
 * A real PostgreSQL restart under the real service: stopped (every connection terminated)
 * while Cloudflare webhooks keep driving the session actors, then started again on the
 * same data directory and port. The process stays up, readiness says why it is degraded,
 * and afterwards the transition log holds exactly what the service reported, in order.
 */
describe(`Database outage (${OUTAGES} × ${OUTAGE_MS} ms)`, () => {
  let pg: PostgresProcess;
  let fake: CloudflareFake;
  let service: ServiceProcess;
  let socket: Socket;
  const reported: Reported[] = [];
  const connected = new Map<string, boolean>();

  beforeAll(async () => {
    pg = await PostgresProcess.create();
    fake = await createCloudflareFake({ port: 0 });
    const port = await freePort();
    fake.configure({ webhookUrl: `http://127.0.0.1:${port}/webhooks/cloudflare/live-input` });
    service = new ServiceProcess(port, {
      ...cloudflareEnv(fake),
      DATABASE_URL: pg.url,
      NODE_ID: 'outage-node',
      LEASE_TTL: `${LEASE_TTL_MS}ms`,
      JWT_SECRET: TEST_JWT_SECRET,
      SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RECONCILE_INTERVAL: '1h',
      // The polling fallback runs all through the outage too (it needs the input id).
      CLOUDFLARE_POLL_FAST: '200ms',
      CLOUDFLARE_API_BUDGET: '100000',
    });
    await service.start();
    socket = io(`${service.baseUrl}/live`, {
      auth: { token: await TokenVerifier.sign(TEST_JWT_SECRET, 'ops-1', 'ops') },
      transports: ['websocket'],
    });
    socket.on('transition', ({ userId, from, to, reason, by, at }: Reported) => {
      if (USERS.includes(userId)) reported.push({ userId, from, to, reason, by, at });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await killAllServices();
    await fake?.close();
    await closeAllPostgres();
  });

  const call = async (method: string, path: string, userId: string) =>
    fetch(`${service.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await TokenVerifier.sign(TEST_JWT_SECRET, userId, 'streamer')}`,
      },
    });
  const ready = async (): Promise<{ status: number; body: ReadyBody }> => {
    const res = await fetch(`${service.baseUrl}/health/ready`);
    return { status: res.status, body: (await res.json()) as ReadyBody };
  };
  const inputOf = (userId: string) =>
    [...fake.state.inputs.values()].find((i) => i.meta.userId === userId)!.uid;

  /** Flips each user's encoder (connect ⇄ disconnect) through a signed webhook; returns how many. */
  const flipAll = async (): Promise<number> => {
    for (const userId of USERS) {
      const up = !connected.get(userId);
      const delivery = up
        ? await fake.connect(inputOf(userId))
        : await fake.disconnect(inputOf(userId));
      expect({ userId, status: delivery?.status }).toEqual({ userId, status: 202 });
      connected.set(userId, up);
    }
    return USERS.length;
  };

  /** Waits until the service has reported `count` transitions (each flip is one). */
  const reportedCount = (count: number, what: string) =>
    waitFor(() => reported.length >= count || undefined, what, 20_000);

  const storedLog = async (): Promise<Reported[]> => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const rows = await client.query<{
        user_id: string;
        from: string;
        to: string;
        reason: string;
        by: string;
        at: Date;
      }>(
        'SELECT user_id, "from", "to", reason, by, at FROM session_transitions WHERE user_id = ANY($1) ORDER BY id',
        [USERS],
      );
      return rows.rows.map((r) => ({
        userId: r.user_id,
        from: r.from,
        to: r.to,
        reason: r.reason,
        by: r.by,
        at: r.at.toISOString(),
      }));
    } finally {
      await client.end();
    }
  };

  /** Per user, in order: what the service reported over Socket.IO vs what the log holds. */
  const byUser = (list: Reported[]) =>
    Object.fromEntries(USERS.map((u) => [u, list.filter((t) => t.userId === u)]));

  const expectLogComplete = async (what: string) => {
    const expected = byUser(reported);
    await waitFor(
      async () => JSON.stringify(byUser(await storedLog())) === JSON.stringify(expected),
      `${what}: the transition log to match the ${reported.length} reported transitions`,
      30_000,
    ).catch(async (err: unknown) => {
      expect(byUser(await storedLog())).toEqual(expected); // shows the difference
      throw err;
    });
    expect(byUser(await storedLog())).toEqual(expected);
  };

  it('keeps the actors running, reports degraded readiness, and loses no transition', () =>
    scenario().catch((err: unknown) => {
      console.error(`service output:\n${service.tail(120)}`);
      throw err;
    }));

  it('stays up when the database goes away in the middle of a transaction, and leaks no input', async () => {
    // Provisioning holds a transaction (and its connection) open while Cloudflare answers.
    const userId = 'outage-mid-transaction';
    const creates = fake.requestCount('live_inputs.create');
    // Slow, but within CLOUDFLARE_TIMEOUT (2 s): the input does get created.
    fake.injectFault({ route: 'live_inputs.create', latencyMs: 1500, times: 1 });
    const first = call('POST', '/api/session', userId);
    await waitFor(
      async () => fake.requestCount('live_inputs.create') > creates,
      'the live input being created',
    );
    await pg.stop(); // terminates the connection that sits idle inside the transaction
    const res = await first;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe('DATABASE_UNAVAILABLE');
    expect(service.running).toBe(true);
    await pg.start();
    await waitFor(
      async () => (await call('POST', '/api/session', userId)).status === 200,
      'the session once the database is back',
    );
    // The input created for the failed attempt was deleted: exactly one is left.
    const inputs = [...fake.state.inputs.values()].filter((i) => i.meta.userId === userId);
    expect(inputs).toHaveLength(1);
    expect(service.running).toBe(true);
  });

  it('removes the outputs of a Start whose bookkeeping the database could not take', async () => {
    const userId = 'outage-mid-start';
    const send = async (method: string, path: string, body: object) =>
      fetch(`${service.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await TokenVerifier.sign(TEST_JWT_SECRET, userId, 'streamer')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const state = async () =>
      ((await (await call('GET', '/api/session', userId)).json()) as { state: string }).state;
    expect((await call('POST', '/api/session', userId)).status).toBe(200);
    expect((await send('PUT', '/api/platforms/twitch', { streamKey: 'tw-mid-start' })).status).toBe(
      200,
    );
    const input = inputOf(userId);
    await fake.connect(input);
    await waitFor(async () => (await state()) === 'ready', 'ready');

    // The output is created at Cloudflare while the database goes away under the Start.
    const creates = fake.requestCount('outputs.create');
    fake.injectFault({ route: 'outputs.create', latencyMs: 1500, times: 1 });
    expect((await send('POST', '/api/session/start', {})).status).toBe(202);
    await waitFor(
      async () => fake.requestCount('outputs.create') > creates,
      'the output being created',
    );
    await pg.stop();
    const deletes = fake.requestCount('outputs.delete');
    await waitFor(
      async () => fake.requestCount('outputs.delete') > deletes,
      'the unrecorded output to be deleted',
    );
    expect(fake.outputsOf(input)).toEqual([]);
    await pg.start();
    await waitFor(async () => (await state().catch(() => '')) === 'ready', 'back to ready');
    expect(fake.outputsOf(input)).toEqual([]);
    expect(service.running).toBe(true);
  });

  const scenario = async () => {
    for (const userId of USERS)
      expect((await call('POST', '/api/session', userId)).status).toBe(200);
    let expected = await flipAll(); // offline → ready for everyone, with the database up
    await reportedCount(expected, 'the first transitions');
    await expectLogComplete('before any outage');
    expect((await ready()).status).toBe(200);

    for (let round = 1; round <= OUTAGES; round++) {
      await pg.outage(OUTAGE_MS, async () => {
        const degraded = await waitFor(async () => {
          const r = await ready();
          return r.status === 503 && r.body.error?.database?.status === 'down' && r.body;
        }, `round ${round}: readiness to report the database down`);
        expect(degraded.error?.database?.message).toBeTruthy();
        // Webhooks still drive the actors: two flips per user while the database is down.
        // Their transitions are queued, and pushed to dashboards only once written.
        const pushedBefore = reported.length;
        expected += await flipAll();
        expected += await flipAll();
        const during = await waitFor(async () => {
          const r = await ready();
          return r.status === 503 && (r.body.error?.database?.queuedWrites ?? 0) > 0 && r.body;
        }, `round ${round}: readiness to count the queued writes`);
        expect(during.error?.database?.queuedWrites).toBeGreaterThanOrEqual(USERS.length);
        expect((await fetch(`${service.baseUrl}/health/live`)).status).toBe(200);
        // A streamer with no resident session gets a clear, retryable answer.
        const stranger = await call('POST', '/api/session', `outage-stranger-${round}`);
        expect(stranger.status).toBe(503);
        expect(((await stranger.json()) as { code: string }).code).toBe('DATABASE_UNAVAILABLE');
        expect(service.running).toBe(true);
        expect(reported.length).toBe(pushedBefore);
      });
      await reportedCount(expected, `round ${round}: the outage's transitions, once written`);
      // Back: the queues flush in order and readiness recovers.
      const back = await waitFor(
        async () => {
          const r = await ready();
          return r.status === 200 && r.body.info?.database?.queuedWrites === 0 && r.body;
        },
        `round ${round}: readiness to recover`,
        30_000,
      );
      expect(back.info?.database?.status).toBe('up');
      await expectLogComplete(`after outage ${round}`);
      expect(service.running).toBe(true);
    }

    // After the last restart everything works as before: one more flip, reported and stored.
    expected += await flipAll();
    await reportedCount(expected, 'transitions after the database came back');
    await expectLogComplete('after recovery');
    expect(reported).toHaveLength(expected);
    // The actors stayed resident and owned by this node the whole time.
    for (const userId of USERS) {
      const view = (await (await call('GET', '/api/session', userId)).json()) as { state: string };
      expect(view.state).toBe(connected.get(userId) ? 'ready' : 'offline');
    }
    expect(service.running).toBe(true);
  };
});
