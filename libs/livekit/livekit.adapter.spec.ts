import { isProviderError } from '../common/provider-error';
import { FakeLiveKitServer } from './fake/fake-livekit.server';
import { LiveKitAdapter } from './livekit.adapter';
import { sameStreamUrl } from './stream-url';

const YOUTUBE = 'rtmp://a.rtmp.youtube.com/live2/yt-secret-key-123456';
const TWITCH = 'rtmps://live.twitch.tv/app/live_twitch_secret_987';
const KICK = 'rtmps://fa723fc1b171.global-contribute.live-video.net/app/sk_kick_secret_555';

describe(LiveKitAdapter.name, () => {
  const fake = new FakeLiveKitServer({
    apiKey: 'APIadapter',
    apiSecret: 'adapter-spec-secret-0123456789abcdef',
  });
  let livekit: LiveKitAdapter;

  const adapter = (overrides: Partial<ConstructorParameters<typeof LiveKitAdapter>[0]> = {}) =>
    new LiveKitAdapter({
      host: fake.url,
      wsUrl: fake.url.replace('http', 'ws'),
      apiKey: fake.apiKey,
      apiSecret: fake.apiSecret,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      ...overrides,
    });

  beforeAll(async () => {
    await fake.start();
    livekit = adapter();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  async function liveRoom(room = 'alice'): Promise<void> {
    await fake.simulatePublish(room, room);
  }

  describe('egress', () => {
    it('streams a room to two RTMP URLs: starting, then active with one active stream per URL', async () => {
      await liveRoom();
      const started = await livekit.startRoomCompositeEgress('alice', [YOUTUBE, TWITCH]);
      expect(started.status).toBe('starting');
      expect(started.egressId).toMatch(/^EG_/);
      expect(started.roomName).toBe('alice');

      const [listed] = await livekit.listEgress({ roomName: 'alice' });
      expect(listed.egressId).toBe(started.egressId);
      expect(listed.status).toBe('active');
      expect(listed.startedAt).toBeInstanceOf(Date);
      expect(listed.streams.map((s) => s.status)).toEqual(['active', 'active']);
      expect(sameStreamUrl(listed.streams[0].url, YOUTUBE)).toBe(true);
      expect(sameStreamUrl(listed.streams[1].url, TWITCH)).toBe(true);
    });

    it('never reports a stream key back', async () => {
      await liveRoom();
      const started = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      const listed = await livekit.listEgress({ egressId: started.egressId });
      expect(JSON.stringify([started, listed])).not.toContain('yt-secret-key-123456');
    });

    it('adds and removes destinations of a running egress', async () => {
      await liveRoom();
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE, TWITCH]);
      const updated = await livekit.updateStream(egressId, [KICK], [TWITCH]);
      const byUrl = (url: string) => updated.streams.find((s) => sameStreamUrl(s.url, url));
      expect(byUrl(YOUTUBE)?.status).toBe('active');
      expect(byUrl(TWITCH)?.status).toBe('finished');
      expect(byUrl(TWITCH)?.endedAt).toBeInstanceOf(Date);
      expect(byUrl(KICK)?.status).toBe('active');
      expect(updated.status).toBe('active');
    });

    it('shows a failing destination on its own stream info while the others stay active', async () => {
      await liveRoom();
      await fake.failUrl('rtmps://live.twitch.tv/', 'rtmp handshake failed');
      await livekit.startRoomCompositeEgress('alice', [YOUTUBE, TWITCH]);
      const [info] = await livekit.listEgress({ roomName: 'alice' });
      const twitch = info.streams.find((s) => sameStreamUrl(s.url, TWITCH));
      const youtube = info.streams.find((s) => sameStreamUrl(s.url, YOUTUBE));
      expect(twitch).toMatchObject({ status: 'failed', error: 'rtmp handshake failed' });
      expect(youtube?.status).toBe('active');
      expect(youtube?.error).toBeUndefined();
      expect(info.status).toBe('active');
    });

    it('a destination that fails while live shows as failed; when none is left the egress fails', async () => {
      await liveRoom();
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      await fake.failUrl('rtmp://a.rtmp.youtube.com/', 'connection reset by peer');
      const [info] = await livekit.listEgress({ egressId });
      expect(info.status).toBe('failed');
      expect(info.streams[0]).toMatchObject({
        status: 'failed',
        error: 'connection reset by peer',
      });
      expect(info.error).toBeDefined();
    });

    it('stops an egress: ending, then complete with every stream finished', async () => {
      await liveRoom();
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE, TWITCH]);
      const stopping = await livekit.stopEgress(egressId);
      expect(stopping.status).toBe('ending');
      const [ended] = await livekit.listEgress({ egressId });
      expect(ended.status).toBe('complete');
      expect(ended.endedAt).toBeInstanceOf(Date);
      expect(ended.streams.every((s) => s.status === 'finished')).toBe(true);
      expect(await livekit.listEgress({ roomName: 'alice', active: true })).toEqual([]);
    });

    it('stopping an egress that already ended returns its final state instead of failing', async () => {
      await liveRoom();
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      await livekit.stopEgress(egressId);
      const again = await livekit.stopEgress(egressId);
      expect(again).toMatchObject({ egressId, status: 'complete' });
    });

    it('starts a track-composite egress the same way', async () => {
      await liveRoom();
      const started = await livekit.startTrackCompositeEgress('alice', [YOUTUBE], {
        audioTrackId: 'TR_audio',
        videoTrackId: 'TR_video',
      });
      expect(started.status).toBe('starting');
      const [listed] = await livekit.listEgress({ egressId: started.egressId });
      expect(listed.status).toBe('active');
    });

    it('holds an egress in starting until the fake is told to advance it', async () => {
      await liveRoom();
      fake.state.autoAdvance = false;
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      expect((await livekit.listEgress({ egressId }))[0].status).toBe('starting');
      await fake.advanceEgress(egressId);
      expect((await livekit.listEgress({ egressId }))[0].status).toBe('active');
    });

    it('refuses non-RTMP URLs before calling LiveKit, without quoting them', async () => {
      const err: unknown = await livekit
        .startRoomCompositeEgress('alice', ['https://example.com/secret-path'])
        .catch((e: unknown) => e);
      expect(isProviderError(err, 'rejected')).toBe(true);
      expect(String((err as Error).message)).not.toContain('secret-path');
      expect(fake.calls).toEqual([]);
    });
  });

  describe('errors', () => {
    it('maps an unknown egress to not_found', async () => {
      await expect(livekit.stopEgress('EG_missing')).rejects.toMatchObject({
        kind: 'not_found',
        status: 404,
      });
      await expect(livekit.updateStream('EG_missing', [YOUTUBE], [])).rejects.toMatchObject({
        kind: 'not_found',
      });
    });

    it('maps egress for a room that does not exist to not_found', async () => {
      await expect(livekit.startRoomCompositeEgress('nobody', [YOUTUBE])).rejects.toMatchObject({
        kind: 'not_found',
      });
    });

    it('maps resource_exhausted to rate_limited, invalid_argument and bad credentials to rejected', async () => {
      fake.faults.set('Egress/ListEgress', { code: 'resource_exhausted' });
      await expect(livekit.listEgress()).rejects.toMatchObject({
        kind: 'rate_limited',
        status: 429,
      });
      fake.faults.clear();

      await liveRoom();
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      await expect(livekit.updateStream(egressId, [], [KICK])).rejects.toMatchObject({
        kind: 'rejected',
        status: 400,
      });

      const wrongSecret = adapter({ apiSecret: 'not-the-secret-0123456789abcdef' });
      await expect(wrongSecret.listEgress()).rejects.toMatchObject({
        kind: 'rejected',
        status: 401,
      });
    });

    it('error messages name the operation and code, never the server text or a stream key', async () => {
      fake.faults.set('Egress/StartRoomCompositeEgress', {
        code: 'invalid_argument',
        msg: `bad url ${YOUTUBE}`,
      });
      await liveRoom();
      const err = await livekit
        .startRoomCompositeEgress('alice', [YOUTUBE])
        .catch((e: unknown) => e);
      expect(isProviderError(err, 'rejected')).toBe(true);
      expect((err as Error).message).toBe(
        'LiveKit startRoomCompositeEgress failed: invalid_argument (HTTP 400)',
      );
    });

    it('maps a refused connection to unavailable', async () => {
      const nowhere = new FakeLiveKitServer();
      const url = await nowhere.start();
      await nowhere.close();
      const offline = adapter({ host: url });
      await expect(offline.listRooms()).rejects.toMatchObject({ kind: 'unavailable' });
    });

    it('maps a request timeout to unavailable', async () => {
      fake.faults.set('RoomService/ListRooms', { latencyMs: 2_000 });
      const impatient = adapter({
        requestTimeoutSeconds: 0.05,
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      });
      await expect(impatient.listRooms()).rejects.toMatchObject({ kind: 'unavailable' });
    });
  });

  describe('retries', () => {
    it('retries a transient failure of an idempotent call and succeeds', async () => {
      fake.faults.failNext('Egress/ListEgress', 'unavailable', 2);
      await expect(livekit.listEgress()).resolves.toEqual([]);
      expect(fake.calls.map((c) => c.status)).toEqual([503, 503, 200]);
    });

    it('retries a dropped connection', async () => {
      fake.faults.set('RoomService/ListRooms', { reset: true, times: 1 });
      await expect(livekit.listRooms()).resolves.toEqual([]);
      expect(fake.calls.map((c) => c.status)).toEqual([0, 200]);
    });

    it('gives up after the bounded number of attempts', async () => {
      fake.faults.set('Egress/ListEgress', { code: 'unavailable' });
      await expect(livekit.listEgress()).rejects.toMatchObject({
        kind: 'unavailable',
        status: 503,
      });
      expect(fake.calls).toHaveLength(3);
    });

    it('does not retry a refused request', async () => {
      await expect(livekit.stopEgress('EG_missing')).rejects.toMatchObject({ kind: 'not_found' });
      expect(fake.calls).toHaveLength(1);
    });

    it('does not resend an egress start after an ambiguous 5xx (it may have started)', async () => {
      await liveRoom();
      fake.faults.failNext('Egress/StartRoomCompositeEgress', 'internal', 1);
      await expect(livekit.startRoomCompositeEgress('alice', [YOUTUBE])).rejects.toMatchObject({
        kind: 'unavailable',
      });
      expect(fake.calls.filter((c) => c.method === 'Egress/StartRoomCompositeEgress')).toHaveLength(
        1,
      );
    });

    it('does resend an egress start that was rate limited (LiveKit did nothing)', async () => {
      await liveRoom();
      fake.faults.failNext('Egress/StartRoomCompositeEgress', 'resource_exhausted', 1);
      const started = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      expect(started.status).toBe('starting');
      expect(fake.state.egresses.size).toBe(1);
    });
  });

  describe('rooms', () => {
    it('creates, lists and deletes rooms; deleting a missing room is not an error', async () => {
      const created = await livekit.createRoom('bob', {
        emptyTimeoutSeconds: 60,
        metadata: '{"title":"hi"}',
      });
      expect(created).toMatchObject({
        name: 'bob',
        numParticipants: 0,
        metadata: '{"title":"hi"}',
      });
      expect(created.sid).toMatch(/^RM_/);
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await livekit.createRoom('bob')).toMatchObject({ sid: created.sid });
      expect((await livekit.listRooms()).map((r) => r.name)).toEqual(['bob']);
      expect(await livekit.listRooms(['other'])).toEqual([]);
      await livekit.deleteRoom('bob');
      await expect(livekit.deleteRoom('bob')).resolves.toBeUndefined();
      expect(await livekit.listRooms()).toEqual([]);
    });

    it('lists the participants of a room with their published tracks', async () => {
      await fake.simulatePublish('alice', 'alice', { name: 'Alice' });
      const [creator] = await livekit.listParticipants('alice');
      expect(creator).toMatchObject({
        identity: 'alice',
        name: 'Alice',
        state: 'active',
        isPublisher: true,
      });
      expect(creator.tracks.map((t) => [t.kind, t.source])).toEqual([
        ['video', 'camera'],
        ['audio', 'microphone'],
      ]);
      await expect(livekit.listParticipants('nobody')).rejects.toMatchObject({ kind: 'not_found' });
    });

    it('closing a room completes its egresses', async () => {
      await liveRoom();
      const { egressId } = await livekit.startRoomCompositeEgress('alice', [YOUTUBE]);
      await fake.simulateRoomFinished('alice');
      expect((await livekit.listEgress({ egressId }))[0].status).toBe('complete');
    });
  });

  it('will not start without credentials (the SDK would read them from the environment)', () => {
    expect(() => adapter({ apiSecret: '' })).toThrow(RangeError);
  });
});
