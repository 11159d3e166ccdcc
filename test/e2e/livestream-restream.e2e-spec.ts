import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import type { FakeLiveKitServer } from '../../libs/livekit/fake';
import { asUser, livekitEnv, routeLiveKitWebhooks, startLiveKitFake } from '../helpers/livekit';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

/** OutputsService's guarantees, kept for the LiveKit egress backend. */
describe('Restreaming a browser stream through one LiveKit egress', () => {
  let cloudflare: CloudflareFake;
  let livekit: FakeLiveKitServer;
  let t: TestApp;
  beforeAll(async () => {
    cloudflare = await createCloudflareFake({ port: 0 });
    livekit = await startLiveKitFake();
    t = await createTestApp({ ...livekitEnv(livekit), RECONCILE_INTERVAL: '1h' }, cloudflare);
    routeLiveKitWebhooks(livekit, t);
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
    await cloudflare.close();
  });

  /** A browser streamer who is publishing, with the platforms given, session ready. */
  async function readyStreamer(userId: string, platforms: Record<string, object>) {
    const me = await asUser(t, userId);
    for (const [platform, body] of Object.entries(platforms))
      await me.put(`/api/platforms/${platform}`, body).expect(200);
    await me.post('/api/stream/setup', { title: userId }).expect(200);
    await me.post('/api/stream/go-live').expect(200);
    await livekit.simulatePublish(userId, userId);
    await waitFor(async () => (await me.get('/api/session')).body.state === 'ready', 'ready');
    return me;
  }

  const activeEgresses = (room: string) =>
    livekit.state.listEgress({ roomName: room, active: true });

  it('adopts an egress left running by a crash instead of starting a second one', async () => {
    const rita = await readyStreamer('rita', {
      twitch: { streamKey: 'rita_twitch_key' },
      kick: { streamKey: 'rita_kick_key' },
    });
    // A previous Start got as far as the egress, then the node died.
    const left = livekit.state.startEgress({
      kind: 'room_composite',
      roomName: 'rita',
      urls: ['rtmps://live.twitch.tv:443/app/rita_twitch_key'],
      options: {},
    });
    await rita.post('/api/session/start', { platforms: ['twitch', 'kick'] }).expect(202);
    const v = await waitFor(async () => {
      const s = (await rita.get('/api/session')).body;
      return (
        s.state === 'streaming' &&
        s.outputs.every((o: { status: string }) => o.status === 'active') &&
        s
      );
    }, 'streaming');
    expect(v.outputs).toHaveLength(2);
    const running = activeEgresses('rita');
    expect(running.map((e) => e.egress_id)).toEqual([left.egress_id]);
    const egress = livekit.state.requireEgress(String(left.egress_id));
    expect(
      egress.streams
        .filter((s) => s.status === 'ACTIVE')
        .map((s) => s.url)
        .sort(),
    ).toEqual([
      'rtmps://fa723fc1b171.global-contribute.live-video.net:443/app/rita_kick_key',
      'rtmps://live.twitch.tv:443/app/rita_twitch_key',
    ]);
    await rita.post('/api/session/stop').expect(202);
    await waitFor(async () => (await rita.get('/api/session')).body.state === 'ready', 'stopped');
    expect(activeEgresses('rita')).toEqual([]);
  });

  it('leaves nothing behind when every platform fails at Start', async () => {
    const fay = await readyStreamer('fay', {
      twitch: { streamKey: 'fay_key', ingestUrl: 'rtmp://broken.example/app' },
    });
    await livekit.failUrl('rtmp://broken.example', 'connection refused');
    await fay.post('/api/session/start', { platforms: ['twitch'] }).expect(202);
    await waitFor(
      async () => (await fay.get('/api/session')).body.substate === 'idle',
      'start to fail',
    );
    const v = (await fay.get('/api/session')).body;
    expect(v).toMatchObject({ state: 'ready', outputs: [] });
    expect(v.broadcast).toBeUndefined();
    expect((await fay.get('/api/broadcasts').expect(200)).body).toEqual([]);
    expect(activeEgresses('fay')).toEqual([]);
  });

  it('never resends an egress start after a 5xx, and reconciles by listing', async () => {
    const ian = await readyStreamer('ian', { youtube: { streamKey: 'ian-yt-key' } });
    livekit.faults.failNext('Egress/StartRoomCompositeEgress', 'internal');
    const before = livekit.calls.filter(
      (c) => c.method === 'Egress/StartRoomCompositeEgress',
    ).length;
    await ian.post('/api/session/start', { platforms: ['youtube'] }).expect(202);
    await waitFor(
      async () => (await ian.get('/api/session')).body.substate === 'idle',
      'start to fail',
    );
    const starts = livekit.calls.filter((c) => c.method === 'Egress/StartRoomCompositeEgress');
    expect(starts.length - before).toBe(1);
    const lists = livekit.calls.filter((c) => c.method === 'Egress/ListEgress');
    expect(lists.length).toBeGreaterThan(0);
    expect(activeEgresses('ian')).toEqual([]);
    expect((await ian.get('/api/broadcasts').expect(200)).body).toEqual([]);
  });
});
