import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { decodeToken } from '../../libs/livekit';
import type { FakeLiveKitServer } from '../../libs/livekit/fake';
import { asUser, livekitEnv, routeLiveKitWebhooks, startLiveKitFake } from '../helpers/livekit';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

interface OutputView {
  platform: string;
  status: string;
  lastError?: string;
}

describe('Browser go-live through LiveKit, restreamed like any other ingest', () => {
  let cloudflare: CloudflareFake;
  let livekit: FakeLiveKitServer;
  let t: TestApp;
  beforeAll(async () => {
    cloudflare = await createCloudflareFake({ port: 0 });
    livekit = await startLiveKitFake();
    t = await createTestApp(
      { ...livekitEnv(livekit), RECONCILE_INTERVAL: '1h', STREAM_DISCONNECT_TIMEOUT: '2s' },
      cloudflare,
    );
    routeLiveKitWebhooks(livekit, t);
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
    await cloudflare.close();
  });

  it('setup → go-live → publish → ready → start on two platforms → one URL fails → end-stream', async () => {
    const alice = await asUser(t, 'alice');
    await alice.put('/api/platforms/twitch', { streamKey: 'live_twitch_key_1234' }).expect(200);
    await alice
      .put('/api/platforms/youtube', { streamKey: 'yt-key-5678-abcd', channel: 'UC1' })
      .expect(200);

    const setup = await alice.post('/api/stream/setup', { title: 'Browser show' }).expect(200);
    expect(setup.body).toMatchObject({ title: 'Browser show', isLive: false });

    const live = await alice.post('/api/stream/go-live').expect(200);
    expect(live.body).toMatchObject({
      roomId: 'alice',
      stream: { isLive: true, source: 'livekit' },
    });
    expect(live.body.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const claims = await decodeToken(livekit, live.body.token);
    expect(claims.identity).toBe('alice');
    expect(claims.grant).toMatchObject({ roomJoin: true, room: 'alice', canPublish: true });

    // A publish token alone is not an input: the session waits for the track.
    expect((await alice.get('/api/session').expect(200)).body.state).toBe('offline');
    await livekit.simulatePublish(live.body.roomId, 'alice');
    const ready = await waitFor(async () => {
      const v = (await alice.get('/api/session')).body;
      return v.state === 'ready' && v;
    }, 'ready once the creator publishes');
    expect(ready.input).toMatchObject({ source: 'livekit', status: 'connected' });

    await alice
      .post('/api/session/start', { platforms: ['twitch', 'youtube'], title: 'Browser show' })
      .expect(202);
    const streaming = await waitFor(async () => {
      const v = (await alice.get('/api/session')).body;
      const outputs: OutputView[] = v.outputs;
      return (
        v.state === 'streaming' &&
        outputs.length === 2 &&
        outputs.every((o) => o.status === 'active') &&
        v
      );
    }, 'streaming with two active outputs');
    expect(streaming.outputs.map((o: OutputView) => o.platform).sort()).toEqual([
      'twitch',
      'youtube',
    ]);

    const egresses = [...livekit.state.egresses.values()];
    expect(egresses).toHaveLength(1);
    expect(egresses[0]).toMatchObject({ roomName: 'alice', status: 'EGRESS_ACTIVE' });
    expect(egresses[0].streams.map((s) => s.url).sort()).toEqual([
      'rtmps://a.rtmps.youtube.com:443/live2/yt-key-5678-abcd',
      'rtmps://live.twitch.tv:443/app/live_twitch_key_1234',
    ]);

    await livekit.failUrl('rtmps://a.rtmps.youtube.com', 'rtmp connection refused');
    const split = await waitFor(async () => {
      const v = (await alice.get('/api/session')).body;
      const youtube = (v.outputs as OutputView[]).find((o) => o.platform === 'youtube');
      return youtube?.status === 'failed' && v;
    }, 'the failed URL to show on its output');
    const byPlatform = Object.fromEntries(
      (split.outputs as OutputView[]).map((o) => [o.platform, o]),
    );
    expect(byPlatform.youtube.lastError).toContain('rtmp connection refused');
    expect(byPlatform.twitch).toMatchObject({ status: 'active' });
    expect(byPlatform.twitch.lastError).toBeUndefined();
    expect(split.state).toBe('streaming');
    expect(JSON.stringify(split)).not.toContain('yt-key-5678-abcd');

    const ended = await alice.post('/api/stream/end-stream').expect(200);
    expect(ended.body.stream.isLive).toBe(false);
    await waitFor(
      async () => (await alice.get('/api/session')).body.state === 'offline',
      'offline after end-stream',
    );
    expect(livekit.state.egresses.get(egresses[0].egressId)?.status).toBe('EGRESS_COMPLETE');
    expect(livekit.state.listEgress({ roomName: 'alice', active: true })).toEqual([]);
    expect(livekit.state.rooms.has('alice')).toBe(false);

    const [broadcast] = (await alice.get('/api/broadcasts').expect(200)).body;
    expect(broadcast).toMatchObject({ endReason: 'end-stream', platforms: ['twitch', 'youtube'] });
    expect(broadcast.endedAt).not.toBeNull();
    // Every LiveKit webhook of the run was verified and accepted by the app.
    await livekit.flushWebhooks();
    expect(livekit.webhooks.deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });

  it('issues subscribe-only viewer tokens: own identity with a bearer token, guest-… without', async () => {
    const bob = await asUser(t, 'bob');
    await bob.post('/api/stream/setup', { title: 'Bob live' }).expect(200);
    const viewer = await asUser(t, 'vera');
    const signedIn = await viewer
      .post('/api/stream/viewer-token', { hostUserId: 'bob' })
      .expect(200);
    const asVera = await decodeToken(livekit, signedIn.body.token);
    expect(asVera).toMatchObject({ identity: 'vera', grant: { room: 'bob', canPublish: false } });

    const guest = await t
      .http()
      .post('/api/stream/viewer-token')
      .send({ hostUserId: 'bob' })
      .expect(200);
    const asGuest = await decodeToken(livekit, guest.body.token);
    expect(asGuest.identity).toMatch(/^guest-.+/);
    expect(asGuest.grant).toMatchObject({ room: 'bob', canPublish: false, canSubscribe: true });

    await t
      .http()
      .post('/api/stream/viewer-token')
      .set('Authorization', 'Bearer not-a-jwt')
      .send({ hostUserId: 'bob' })
      .expect(401);
    await bob.post('/api/stream/viewer-token', { hostUserId: 'bob' }).expect(400);
    await viewer.post('/api/stream/viewer-token', { hostUserId: 'nobody' }).expect(404);
    const bad = await viewer
      .post('/api/stream/viewer-token', { hostUserId: 'bob', x: 1 })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('stops following the encoder’s input once the streamer goes live from the browser', async () => {
    const dave = await asUser(t, 'dave');
    await dave.post('/api/session').expect(200); // a Cloudflare input; the actor runs here
    const inputId = [...cloudflare.state.inputs.values()].find(
      (i) => i.meta.userId === 'dave',
    )!.uid;
    const state = async () => (await dave.get('/api/session').expect(200)).body.state as string;
    // The webhook is handled before it is answered: the state has moved by then.
    expect((await cloudflare.connect(inputId))?.status).toBe(202);
    expect(await state()).toBe('ready');
    expect((await cloudflare.disconnect(inputId))?.status).toBe(202);
    expect(await state()).toBe('offline');

    await dave.post('/api/stream/setup', { title: 'From the browser' }).expect(200);
    await dave.post('/api/stream/go-live').expect(200);
    // The resident session remembered its Cloudflare ingest; go-live made it stale.
    expect((await cloudflare.connect(inputId))?.status).toBe(202);
    const view = (await dave.get('/api/session').expect(200)).body;
    expect(view).toMatchObject({ state: 'offline', input: { source: 'livekit' } });
  });

  it('refuses go-live before setup, and unknown fields everywhere', async () => {
    const carol = await asUser(t, 'carol');
    expect((await carol.post('/api/stream/go-live').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await carol.get('/api/stream/info').expect(404)).body.code).toBe('NOT_FOUND');
    await carol.post('/api/stream/setup', { title: 'x', extra: true }).expect(400);
    await carol.put('/api/stream/chat-settings', { isChatEnabled: 'yes' }).expect(400);
    await carol.put('/api/stream/info', { title: null }).expect(400);
    await t.http().get('/api/stream/status').expect(401);
  });
});
