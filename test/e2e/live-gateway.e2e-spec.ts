import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import type {
  Ack,
  LiveClientEvents,
  LiveServerEvents,
  PublicClientEvents,
  PublicServerEvents,
} from '../../src/gateway/socket-events';
import type { SessionView } from '../../src/sessions/session.view';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

type LiveClient = Socket<LiveServerEvents, LiveClientEvents>;
/** Socket.IO cluster adapter message types (socket.io-adapter's MessageType). */
type Msg = { type: number };
const SERVER_SIDE_EMIT = 9;
/** @socket.io/postgres-adapter's channel for the /live namespace. */
const CHANNEL = 'socket.io#/live';

describe('Socket.IO /live and /public', () => {
  let fake: CloudflareFake;
  let t: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    fake = await createCloudflareFake({ port: 0 });
    t = await createTestApp({ RECONCILE_INTERVAL: '1h' }, fake);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
    await fake.close();
  });

  const connect = (token: string | undefined, ns = '/live'): Socket => {
    const s = io(`${t.baseUrl}${ns}`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(s);
    return s;
  };
  const record = (s: LiveClient) => {
    const got = {
      session: [] as SessionView[],
      transition: [] as { from: string; to: string; reason: string }[],
      output: [] as { platform: string; status: string }[],
    };
    s.on('session', (v) => got.session.push(v));
    s.on('transition', (v) => got.transition.push(v));
    s.on('output', (v) => got.output.push(v));
    return got;
  };
  const ack = <A extends Ack>(
    s: LiveClient,
    event: 'session:start' | 'session:stop' | 'session:resync' | 'chat:send',
    payload: unknown,
  ) =>
    new Promise<A>((resolve) =>
      (s.emit as (e: string, p: unknown, cb: (a: A) => void) => void)(event, payload, resolve),
    );

  it('refuses a socket without a valid token with a clear connect_error', async () => {
    const err = await new Promise<Error>((resolve) =>
      connect(undefined).on('connect_error', resolve),
    );
    expect(err.message).toMatch(/^Unauthorized: pass auth: \{ token \}/);
    const bad = await new Promise<Error>((resolve) =>
      connect('not.a.jwt').on('connect_error', resolve),
    );
    expect(bad.message).toBe('Unauthorized: Invalid bearer token');
  });

  it('sends a snapshot on join and every transition live; commands answer with acks', async () => {
    const token = await t.token('erin');
    await t.http().post('/api/session').set('Authorization', `Bearer ${token}`).expect(200);
    await t
      .http()
      .put('/api/platforms/twitch')
      .set('Authorization', `Bearer ${token}`)
      .send({ streamKey: 'tw-erin-0001' })
      .expect(200);
    const s = connect(token) as LiveClient;
    const got = record(s);
    await waitFor(() => got.session.length > 0, 'the join snapshot');
    expect(got.session[0]).toMatchObject({ userId: 'erin', state: 'offline' });

    const ops = connect(await t.token('op', 'ops')) as LiveClient;
    const opsGot = record(ops);
    await new Promise((r) => ops.on('connect', () => r(undefined)));

    const notReady = await ack(s, 'session:start', {});
    expect(notReady).toEqual({
      ok: false,
      error: expect.stringContaining('ready'),
      code: 'SESSION_NOT_READY',
    });
    const invalid = await ack(s, 'session:start', { platforms: ['nope'] });
    expect(invalid).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });

    const inputId = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'erin')!.uid;
    await fake.connect(inputId);
    await waitFor(() => got.transition.some((x) => x.to === 'ready'), 'ready transition');
    expect(await ack(s, 'session:start', { platforms: ['twitch'] })).toEqual({ ok: true });
    await waitFor(
      () => got.output.some((o) => o.platform === 'twitch' && o.status === 'active'),
      'output event',
    );
    await waitFor(() => got.session.some((v) => v.state === 'streaming'), 'streaming snapshot');
    expect(await ack(s, 'session:stop', {})).toEqual({ ok: true });
    await waitFor(() => got.transition.some((x) => x.from === 'ending'), 'ending finished');
    expect(got.transition.map((x) => `${x.from}->${x.to}`)).toEqual([
      'offline->ready',
      'ready->streaming',
      'streaming->ending',
      'ending->ready',
    ]);
    // Ops saw the same transitions for erin.
    await waitFor(() => opsGot.transition.length >= 4, 'ops feed');

    const resyncBefore = got.session.length;
    // The ack may come first when a command has no payload.
    expect(
      await new Promise<Ack>((r) =>
        (s.emit as (e: string, cb: (a: Ack) => void) => void)('session:resync', r),
      ),
    ).toEqual({ ok: true });
    await waitFor(() => got.session.length > resyncBefore, 'resync snapshot');

    // Closing the dashboard never touches the session.
    s.disconnect();
    const view = await t
      .http()
      .get('/api/session')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(view.body.state).toBe('ready');
  });

  it('publishes nothing for other nodes while it is the only one, and still delivers', async () => {
    // The adapter's channel, read like another node would (without announcing itself).
    const listener = new Client({ connectionString: t.config.databaseUrl });
    await listener.connect();
    const types: number[] = [];
    const markers: string[] = [];
    listener.on('notification', (n) => {
      const msg = JSON.parse(n.payload ?? '{}') as Msg & { marker?: string };
      if (msg.marker) markers.push(msg.marker);
      else types.push(msg.type);
    });
    await listener.query(`LISTEN "${CHANNEL}"`);
    const marker = async (name: string) => {
      await listener.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ marker: name })]);
      await waitFor(() => markers.includes(name), `the ${name} marker`);
    };
    try {
      await marker('start'); // the channel is the right one
      const token = await t.token('gina');
      await t.http().post('/api/session').set('Authorization', `Bearer ${token}`).expect(200);
      const s = connect(token) as LiveClient;
      const got = record(s);
      await waitFor(() => got.session.length > 0, 'the join snapshot');
      const inputId = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'gina')!.uid;
      await fake.connect(inputId);
      await waitFor(() => got.transition.some((x) => x.to === 'ready'), 'ready transition');
      await waitFor(() => got.session.some((v) => v.state === 'ready'), 'ready snapshot');
      // A relay would have been published right after the events it carries: before this.
      await marker('end');
      expect(types.filter((x) => x === SERVER_SIDE_EMIT)).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it('rate-limits commands per socket', async () => {
    const s = connect(await t.token('frank')) as LiveClient;
    const acks = await Promise.all(Array.from({ length: 15 }, () => ack(s, 'session:stop', {})));
    expect(acks.filter((a) => a.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(4);
  });

  it('never delivers one user’s events to another user', async () => {
    const s = connect(await t.token('grace')) as LiveClient;
    const got = record(s);
    await new Promise((r) => s.on('connect', () => r(undefined)));
    const token = await t.token('heidi');
    await t.http().post('/api/session').set('Authorization', `Bearer ${token}`).expect(200);
    const inputId = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'heidi')!.uid;
    await fake.connect(inputId);
    await waitFor(
      async () =>
        (await t.http().get('/api/session').set('Authorization', `Bearer ${token}`)).body.state ===
        'ready',
      'heidi ready',
    );
    expect(got.transition).toEqual([]);
    expect(got.session.every((v) => v.userId === 'grace')).toBe(true);
  });

  it('streams public status on /public and answers the public route without secrets', async () => {
    const pub = connect(undefined, '/public') as Socket<PublicServerEvents, PublicClientEvents>;
    const statuses: { userId: string; status: string }[] = [];
    pub.on('status', (s) => statuses.push(s));
    const bad = await new Promise<Ack>((r) => pub.emit('subscribe', { userId: '' }, r));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(await new Promise<Ack>((r) => pub.emit('subscribe', { userId: 'erin' }, r))).toEqual({
      ok: true,
    });
    await waitFor(() => statuses.length > 0, 'first public status');
    expect(statuses[0]).toMatchObject({ userId: 'erin', status: 'offline' });
    const res = await t.http().get('/api/streams/erin/status').expect(200);
    expect(res.body).toEqual({
      status: 'offline',
      health: 'unknown',
      playback: null,
      lastChecked: expect.any(String),
    });
    expect((await t.http().get('/api/streams/nobody/status').expect(200)).body.status).toBe(
      'unknown',
    );
    await t.http().get('/api/streams/%20bad/status').expect(400);
  });
});
