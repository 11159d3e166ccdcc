import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

describe('Session lifecycle against the Cloudflare fake, through the HTTP API', () => {
  let fake: CloudflareFake;
  let t: TestApp;
  beforeAll(async () => {
    fake = await createCloudflareFake({ port: 0 });
    t = await createTestApp({ STREAM_DISCONNECT_TIMEOUT: '2s', RECONCILE_INTERVAL: '1h' }, fake);
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const as = async (userId: string) => {
    const token = await t.token(userId);
    return {
      get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${token}`),
      post: (path: string, body?: object) =>
        t
          .http()
          .post(path)
          .set('Authorization', `Bearer ${token}`)
          .send(body ?? {}),
      put: (path: string, body: object) =>
        t.http().put(path).set('Authorization', `Bearer ${token}`).send(body),
      del: (path: string) => t.http().delete(path).set('Authorization', `Bearer ${token}`),
    };
  };

  it('goes offline → ready → streaming on two platforms → ending → offline, with no output left', async () => {
    const alice = await as('alice');
    const activated = await alice.post('/api/session').expect(200);
    expect(activated.body).toMatchObject({ userId: 'alice', state: 'offline', active: true });
    expect(activated.body.input.ingest.rtmps.streamKey).toMatch(/^\*\*\*\*.{4}$/);

    // Idempotent: a second activation keeps the same live input.
    const again = await alice.post('/api/session').expect(200);
    expect(again.body.input.ingest.rtmps).toEqual(activated.body.input.ingest.rtmps);
    expect(fake.state.inputs.size).toBe(1);
    const inputId = [...fake.state.inputs.keys()][0];

    await alice.put('/api/platforms/twitch', { streamKey: 'live_twitch_key_1234' }).expect(200);
    await alice
      .put('/api/platforms/youtube', { streamKey: 'yt-key-5678', channel: 'UC123' })
      .expect(200);

    await alice.post('/api/session/start', { platforms: ['twitch'] }).expect(409);

    await fake.connect(inputId);
    await waitFor(
      async () => (await alice.get('/api/session')).body.state === 'ready',
      'ready after the encoder connects',
    );

    const start = await alice
      .post('/api/session/start', { platforms: ['twitch', 'youtube'], title: 'Hello' })
      .expect(202);
    expect(['ready', 'streaming']).toContain(start.body.state);
    const live = await waitFor(async () => {
      const v = (await alice.get('/api/session')).body;
      return (
        v.state === 'streaming' &&
        v.outputs.every((o: { status: string }) => o.status === 'active') &&
        v
      );
    }, 'streaming with active outputs');
    expect(live.outputs.map((o: { platform: string }) => o.platform).sort()).toEqual([
      'twitch',
      'youtube',
    ]);
    expect(live.broadcast.title).toBe('Hello');
    const outputs = fake.outputsOf(inputId);
    expect(outputs).toHaveLength(2);
    expect(fake.duplicateOutputs(inputId)).toEqual([]);

    await alice.post('/api/session/stop').expect(202);
    const after = await waitFor(async () => {
      const v = (await alice.get('/api/session')).body;
      return (v.state === 'ready' || v.state === 'offline') && v;
    }, 'cleanup to finish');
    expect(after.state).toBe('ready'); // the encoder is still connected
    expect(fake.outputsOf(inputId)).toEqual([]);

    // The recording arrives through the signed Stream video webhook and is linked.
    const { delivery } = await fake.finishRecording(inputId);
    expect(delivery?.status).toBe(202);
    const withRecording = await waitFor(async () => {
      const b = (await alice.get('/api/broadcasts').expect(200)).body;
      return b[0]?.recording?.hls && b;
    }, 'the recording linked');
    expect(withRecording[0].recording.hls).toMatch(/^https:\/\/.+\.m3u8$/);

    // Seed 003's repair tools, as audited ops actions.
    const ops = await t.token('ops-repair', 'ops');
    const opsPost = (path: string, body: object = {}) =>
      t.http().post(path).set('Authorization', `Bearer ${ops}`).send(body);
    expect((await opsPost('/api/ops/sessions/alice/fix-playback').expect(200)).body).toMatchObject({
      fixed: true,
    });
    await opsPost('/api/ops/sessions/alice/allowed-origins', { origins: ['example.com'] }).expect(
      200,
    );
    expect(fake.state.inputs.get(inputId)!.recording.allowedOrigins).toEqual(['example.com']);
    await opsPost('/api/ops/sessions/alice/allowed-origins', { origins: ['not a host'] }).expect(
      400,
    );
    const audit = (
      await t
        .http()
        .get('/api/ops/audit?userId=alice')
        .set('Authorization', `Bearer ${ops}`)
        .expect(200)
    ).body;
    expect(
      audit.map((a: { action: string; outcome: string }) => `${a.action}:${a.outcome}`),
    ).toEqual(expect.arrayContaining(['session.fix-playback:ok', 'session.allowed-origins:ok']));

    const broadcasts = (await alice.get('/api/broadcasts').expect(200)).body;
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]).toMatchObject({
      title: 'Hello',
      endReason: 'stop',
      platforms: ['twitch', 'youtube'],
    });
    expect(broadcasts[0].endedAt).not.toBeNull();
  });

  it('ends the stream by itself when the encoder stays gone past the grace period', async () => {
    const bob = await as('bob');
    await bob.post('/api/session').expect(200);
    const inputId = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'bob')!.uid;
    await bob.put('/api/platforms/kick', { streamKey: 'sk_kick_0001' }).expect(200);
    await fake.connect(inputId);
    await waitFor(async () => (await bob.get('/api/session')).body.state === 'ready', 'ready');
    await bob.post('/api/session/start', {}).expect(202);
    await waitFor(
      async () => (await bob.get('/api/session')).body.state === 'streaming',
      'streaming',
    );
    await fake.disconnect(inputId);
    const lost = await waitFor(async () => {
      const v = (await bob.get('/api/session')).body;
      return v.substate === 'inputLost' && v;
    }, 'input lost');
    expect(Date.parse(lost.graceEndsAt)).toBeGreaterThan(Date.now() - 5000);
    await waitFor(
      async () => (await bob.get('/api/session')).body.state === 'offline',
      'offline after the grace',
      15_000,
    );
    expect(fake.outputsOf(inputId)).toEqual([]);
    const transitions = (
      await t
        .http()
        .get('/api/ops/sessions/bob')
        .set('Authorization', `Bearer ${await t.token('ops1', 'ops')}`)
        .expect(200)
    ).body.transitions;
    expect(
      transitions.map((x: { to: string; reason: string }) => `${x.to}:${x.reason}`).reverse(),
    ).toEqual([
      'ready:input-connected',
      'streaming:start',
      'ending:disconnect-timeout',
      'offline:cleanup-complete',
    ]);
  });

  it('answers illegal commands with 409 and the current state, bad input with 4xx', async () => {
    const carol = await as('carol');
    await carol.get('/api/session').expect(404);
    await carol.post('/api/session').expect(200);
    const notReady = await carol.post('/api/session/start', {}).expect(409);
    expect(notReady.body).toMatchObject({
      code: 'SESSION_NOT_READY',
      details: { state: 'offline' },
    });
    const notStreaming = await carol.post('/api/session/stop').expect(409);
    expect(notStreaming.body.code).toBe('SESSION_NOT_STREAMING');
    const bad = await carol
      .post('/api/session/start', { platforms: ['myspace'], extra: 1 })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      'platforms',
    ]);
    await carol.put('/api/platforms/myspace', {}).expect(404);
    await carol.put('/api/session/outputs/twitch', { enabled: 'yes' }).expect(400);
  });

  it('never shows another user their neighbour, and keeps ops routes for ops', async () => {
    const dave = await as('dave');
    await dave.get('/api/ops/sessions').expect(403);
    await dave.get('/api/ops/sessions/alice').expect(403);
    await dave.post('/api/ops/sessions/alice/force-stop').expect(403);
    const platforms = (await dave.get('/api/platforms').expect(200)).body;
    expect(platforms.every((p: { connected: boolean }) => !p.connected)).toBe(true);
    const alicePlatforms = (await (await as('alice')).get('/api/platforms').expect(200)).body;
    const twitch = alicePlatforms.find((p: { platform: string }) => p.platform === 'twitch');
    expect(twitch.streamKey).toBe('****1234');
    expect(JSON.stringify(alicePlatforms)).not.toContain('live_twitch_key');
  });

  it('rejects forged webhooks with 401 and changes nothing', async () => {
    const inputId = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'carol')!.uid;
    const body = {
      name: 'x',
      text: 'x',
      data: {
        notification_name: 'Stream Live Input',
        input_id: inputId,
        event_type: 'live_input.connected',
        updated_at: new Date().toISOString(),
      },
      ts: 1,
    };
    await t.http().post('/webhooks/cloudflare/live-input').send(body).expect(401);
    await t
      .http()
      .post('/webhooks/cloudflare/live-input')
      .set('cf-webhook-auth', 'wrong')
      .send(body)
      .expect(401);
    const ok = await t
      .http()
      .post('/webhooks/cloudflare/live-input')
      .set('cf-webhook-auth', fake.config.webhookSecret)
      .send({ nope: 1 })
      .expect(400);
    expect(ok.body.code).toBe('WEBHOOK_MALFORMED');
    const unknown = await t
      .http()
      .post('/webhooks/cloudflare/live-input')
      .set('cf-webhook-auth', fake.config.webhookSecret)
      .send({ ...body, data: { ...body.data, input_id: 'f'.repeat(32) } })
      .expect(202);
    expect(unknown.body).toEqual({ accepted: false });
    const carol = await as('carol');
    expect((await carol.get('/api/session')).body.state).toBe('offline');
  });
});
