import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { FakeTwitchServer } from '../../libs/platforms';
import { TokenVerifier } from '../../src/common/auth/token-verifier';
import { killAllServices, ServiceProcess } from '../crash/service-process';
import { createTestDatabase } from '../helpers/database';
import { freePort } from '../helpers/free-port';
import { waitFor } from '../helpers/wait-for';

const SECRET = 'cluster-test-secret-that-is-long-enough-0123';

/**
 * Two real service processes on one PostgreSQL: each session has exactly one owner,
 * commands and webhooks arriving at the other node reach it, dashboards on either node
 * get every event, and when the owner is SIGKILLed the survivor takes over.
 */
describe('Two nodes on one database', () => {
  let fake: CloudflareFake;
  let twitch: FakeTwitchServer;
  let db: Client;
  let a: ServiceProcess;
  let b: ServiceProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    fake = await createCloudflareFake({ port: 0 });
    twitch = await FakeTwitchServer.start(0);
    twitch.addUser('roamer', '4242');
    twitch.validTokens.add('roamer-twitch-token');
    const databaseUrl = await createTestDatabase();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const env = (nodeId: string, port: number) => ({
      DATABASE_URL: databaseUrl,
      NODE_ID: nodeId,
      NODE_URL: `http://127.0.0.1:${port}`,
      LEASE_TTL: '2s',
      JWT_SECRET: SECRET,
      SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RECONCILE_INTERVAL: '1h',
      CLOUDFLARE_API_TOKEN: fake.apiToken,
      CLOUDFLARE_ACCOUNT_ID: fake.accountId,
      CLOUDFLARE_BASE_URL: fake.url,
      CLOUDFLARE_WEBHOOK_SECRET: fake.config.webhookSecret,
      CLOUDFLARE_MAX_RETRIES: '0',
      TWITCH_CLIENT_ID: 'cluster-test',
      TWITCH_IRC_URL: `ws://127.0.0.1:${twitch.port}`,
      TWITCH_HELIX_URL: twitch.helixBaseUrl,
      TWITCH_OAUTH_URL: twitch.oauthBaseUrl,
    });
    const [pa, pb] = [await freePort(), await freePort()];
    a = new ServiceProcess(pa, env('node-a', pa));
    b = new ServiceProcess(pb, env('node-b', pb));
    await a.start();
    await b.start();
    // Webhooks land on node B, which does not own the session.
    fake.configure({ webhookUrl: `${b.baseUrl}/webhooks/cloudflare/live-input` });
  }, 150_000);

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await killAllServices();
    await db?.end();
    await fake?.close();
    await twitch?.close();
  });

  it('keeps one owner, routes to it from any node, and fails over when it dies', async () => {
    const token = await TokenVerifier.sign(SECRET, 'roamer', 'streamer');
    const opsToken = await TokenVerifier.sign(SECRET, 'ops-1', 'ops');
    type Json = Record<string, unknown>;
    const json = async (r: Response) => (await r.json()) as Json;
    const call = (node: ServiceProcess, method: string, path: string, body?: object, t = token) =>
      fetch(`${node.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
    const owner = async () =>
      (
        await db.query<{ owner_node: string | null }>(
          'SELECT owner_node FROM sessions WHERE user_id = $1',
          ['roamer'],
        )
      ).rows[0]?.owner_node;

    expect((await call(a, 'POST', '/api/session')).status).toBe(200);
    expect(await owner()).toBe('node-a');
    expect(
      (
        await call(b, 'PUT', '/api/platforms/twitch', {
          channel: 'roamer',
          streamKey: 'tw-roamer',
          accessToken: 'roamer-twitch-token',
        })
      ).status,
    ).toBe(200);

    // A dashboard on node B.
    const socket = io(`${b.baseUrl}/live`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    const transitions: string[] = [];
    const chat: string[] = [];
    socket.on('chat', (events: { text: string }[]) => chat.push(...events.map((e) => e.text)));
    socket.on('transition', (t: { from: string; to: string }) =>
      transitions.push(`${t.from}->${t.to}`),
    );
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });

    // The encoder connects; Cloudflare's webhook reaches node B and is replayed on A.
    const inputId = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'roamer')!.uid;
    const delivery = await fake.connect(inputId);
    expect(delivery?.status).toBe(202);
    await waitFor(
      async () => (await json(await call(b, 'GET', '/api/session'))).state === 'ready',
      'ready, seen from B',
    );
    expect(await owner()).toBe('node-a');

    // Start on node B: it runs on A, and B's dashboard sees the transition.
    const start = await call(b, 'POST', '/api/session/start', { platforms: ['twitch'] });
    expect(start.status).toBe(202);
    expect(start.headers.get('x-stream-supervisor-forwarded-by')).toBe('node-b');
    await waitFor(() => transitions.includes('ready->streaming'), 'the transition on B’s socket');
    await waitFor(() => fake.outputsOf(inputId).length === 1, 'one output');

    // Rotating the ingest on node B is decided by the owner, which is live: refused, and
    // the input the encoder streams to is untouched (B has no actor to ask by itself).
    const rotate = await call(b, 'POST', '/api/ingest/rotate');
    expect(rotate.status).toBe(409);
    expect((await json(rotate)).code).toBe('SESSION_BUSY');
    expect([...fake.state.inputs.values()].filter((i) => i.meta.userId === 'roamer')).toEqual([
      expect.objectContaining({ uid: inputId }),
    ]);

    // A viewer writes in Twitch chat: node A's monitor reads it, and B's dashboard gets it.
    await waitFor(() => twitch.joined('roamer') > 0, 'A joined the Twitch channel');
    twitch.sendRaw(twitch.privmsgLine('roamer', { login: 'viewer', id: '77' }, 'hello from A'));
    await waitFor(() => chat.includes('hello from A'), 'the chat message on B’s socket');

    // Node A dies. B claims the session after the lease runs out and resumes it.
    await a.kill();
    await waitFor(async () => (await owner()) === 'node-b', 'failover to B', 20_000);
    // Resumed through reconcile (A may have died before its last write: then B re-runs
    // Start, which adopts the output A created).
    await waitFor(async () => {
      const inspect = await json(
        await call(b, 'GET', '/api/ops/sessions/roamer', undefined, opsToken),
      );
      return (
        inspect.state === 'streaming' && inspect.resident === true && inspect.ownerNode === 'node-b'
      );
    }, 'B running the stream');
    expect(fake.outputsOf(inputId)).toHaveLength(1);
    expect(fake.duplicateOutputs(inputId)).toEqual([]);

    // Still controllable: Stop on B ends it cleanly.
    expect((await call(b, 'POST', '/api/session/stop')).status).toBe(202);
    await waitFor(
      async () => (await json(await call(b, 'GET', '/api/session'))).state === 'ready',
      'ready after stop',
    );
    expect(fake.outputsOf(inputId)).toEqual([]);
    const log = () =>
      db
        .query<{ from: string; to: string }>(
          'SELECT "from", "to" FROM session_transitions WHERE user_id = $1 ORDER BY id',
          ['roamer'],
        )
        .then((r) => r.rows.map((x) => `${x.from}->${x.to}`));
    // The view answers from the actor at once; its write lands a moment later.
    await waitFor(async () => (await log()).length >= 4, 'the transition log');
    expect(await log()).toEqual([
      'offline->ready',
      'ready->streaming',
      'streaming->ending',
      'ending->ready',
    ]);
  }, 120_000);
});
