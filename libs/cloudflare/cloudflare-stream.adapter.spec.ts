import { isProviderError } from '../common/provider-error';
import { CloudflareStreamAdapter } from './cloudflare-stream.adapter';
import { createCloudflareFake, type CloudflareFake } from './fake/cloudflare-fake';
import { RequestBudget } from './request-budget';
import { adapterAgainst } from './testing/adapter-harness';
import { caught } from './testing/caught';

describe(CloudflareStreamAdapter.name, () => {
  let fake: CloudflareFake;

  beforeAll(async () => {
    fake = await createCloudflareFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.configure({ statusForm: 'string' });
  });

  describe('live inputs', () => {
    it('creates an input traceable to its user, with ingest credentials', async () => {
      const { adapter } = adapterAgainst(fake);
      const input = await adapter.createLiveInput({
        userId: 'alice',
        recording: { mode: 'automatic' },
      });

      expect(input.uid).toMatch(/^[0-9a-f]{32}$/);
      expect(input.status).toBeNull();
      expect(input.meta).toEqual({ name: 'alice', userId: 'alice' });
      expect(input.recordingMode).toBe('automatic');
      expect(input.rtmps.url).toBe('rtmps://live.cloudflare.com:443/live/');
      expect(input.rtmps.streamKey).toMatch(/^[0-9a-f]{32}k[0-9a-f]{32}$/);
      expect(input.srt).toEqual(expect.objectContaining({ url: 'srt://live.cloudflare.com:778' }));
      expect(input.webRTC?.url).toMatch(/\/webRTC\/publish$/);
      expect(input.webRTCPlayback?.url).toMatch(/\/webRTC\/play$/);
      expect(fake.state.inputs.get(input.uid)?.recording.mode).toBe('automatic');
    });

    it('gets, updates and deletes an input', async () => {
      const { adapter } = adapterAgainst(fake);
      const { uid } = await adapter.createLiveInput({ userId: 'bob', name: 'Bob live' });

      expect((await adapter.getLiveInput(uid))?.meta).toEqual({ name: 'Bob live', userId: 'bob' });

      const updated = await adapter.updateLiveInput(uid, {
        recording: { mode: 'automatic', allowedOrigins: ['example.com'] },
        meta: { name: 'Bob', userId: 'bob' },
      });
      expect(updated.recordingMode).toBe('automatic');
      expect(updated.meta).toEqual({ name: 'Bob', userId: 'bob' });
      expect(fake.state.inputs.get(uid)?.recording.allowedOrigins).toEqual(['example.com']);

      await adapter.deleteLiveInput(uid);
      expect(fake.state.inputs.has(uid)).toBe(false);
    });

    it('returns null for a deleted input, and deleting it again succeeds', async () => {
      const { adapter } = adapterAgainst(fake);
      const { uid } = await adapter.createLiveInput({ userId: 'carol' });
      await adapter.deleteLiveInput(uid);

      await expect(adapter.getLiveInput(uid)).resolves.toBeNull();
      await expect(adapter.deleteLiveInput(uid)).resolves.toBeUndefined();
      expect(fake.requestCount('live_inputs.delete')).toBe(2);
    });

    it.each(['string', 'object'] as const)('reads status sent in the %s form', async (form) => {
      const { adapter } = adapterAgainst(fake);
      fake.configure({ statusForm: form });
      const { uid } = await adapter.createLiveInput({ userId: 'dave' });
      await fake.connect(uid);
      expect((await adapter.getLiveInput(uid))?.status).toBe('connected');
      await fake.setStatus(uid, 'reconnecting');
      expect((await adapter.getLiveInput(uid))?.status).toBe('reconnecting');
      await fake.connect(uid);
      expect((await adapter.getLiveInput(uid))?.status).toBe('reconnected');
    });
  });

  describe('outputs', () => {
    it('creates, lists, toggles and deletes outputs (404 on delete is success)', async () => {
      const { adapter } = adapterAgainst(fake);
      const { uid } = await adapter.createLiveInput({ userId: 'erin' });

      const twitch = await adapter.createOutput(uid, {
        url: 'rtmp://live.twitch.tv/app',
        streamKey: 'live_123',
      });
      expect(twitch).toEqual({
        uid: expect.stringMatching(/^[0-9a-f]{32}$/),
        url: 'rtmp://live.twitch.tv/app',
        streamKey: 'live_123',
        enabled: true,
      });
      const yt = await adapter.createOutput(uid, {
        url: 'rtmp://a.rtmp.youtube.com/live2',
        streamKey: 'yt-key',
        enabled: false,
      });
      expect(yt.enabled).toBe(false);
      expect((await adapter.listOutputs(uid)).map((o) => o.uid)).toEqual([twitch.uid, yt.uid]);

      expect((await adapter.updateOutput(uid, yt.uid, { enabled: true })).enabled).toBe(true);
      expect(fake.outputsOf(uid).find((o) => o.uid === yt.uid)?.enabled).toBe(true);

      await adapter.deleteOutput(uid, twitch.uid);
      await adapter.deleteOutput(uid, twitch.uid);
      expect(fake.outputsOf(uid).map((o) => o.uid)).toEqual([yt.uid]);
      expect(fake.duplicateOutputs(uid)).toEqual([]);
    });

    it('refuses a 51st output like Cloudflare (at most 50 per input)', async () => {
      const { adapter } = adapterAgainst(fake);
      const { uid } = await adapter.createLiveInput({ userId: 'frank' });
      for (let i = 0; i < 50; i++) {
        await adapter.createOutput(uid, { url: 'rtmp://example.com/live', streamKey: `k${i}` });
      }
      const err = await caught(
        adapter.createOutput(uid, { url: 'rtmp://example.com/live', streamKey: 'k50' }),
      );
      expect(err.kind).toBe('rejected');
      expect(err.status).toBe(400);
      expect(fake.outputsOf(uid)).toHaveLength(50);
    });

    it('lists outputs of a missing input as not_found', async () => {
      const { adapter } = adapterAgainst(fake);
      expect((await caught(adapter.listOutputs('0'.repeat(32)))).kind).toBe('not_found');
    });
  });

  it('lists the recordings of an input, newest first', async () => {
    const { adapter } = adapterAgainst(fake);
    const { uid } = await adapter.createLiveInput({
      userId: 'gina',
      recording: { mode: 'automatic' },
    });
    const other = await adapter.createLiveInput({ userId: 'hank' });
    const first = await fake.finishRecording(uid, { durationSeconds: 10 });
    await fake.finishRecording(other.uid);
    fake.state.videos[0]!.created = '2020-01-01T00:00:00.000Z';
    const second = await fake.finishRecording(uid, { durationSeconds: 20 });

    const videos = await adapter.listVideos(uid);
    expect(videos.map((v) => v.uid)).toEqual([second.video.uid, first.video.uid]);
    expect(videos[0]).toEqual(
      expect.objectContaining({
        liveInput: uid,
        readyToStream: true,
        state: 'ready',
        duration: 20,
        playback: expect.objectContaining({ hls: expect.stringMatching(/\.m3u8$/) }),
      }),
    );
  });

  describe('error mapping', () => {
    let inputId: string;
    beforeEach(async () => {
      inputId = (await adapterAgainst(fake).adapter.createLiveInput({ userId: 'ivy' })).uid;
    });

    it('400 → rejected', async () => {
      const { adapter } = adapterAgainst(fake);
      const err = await caught(
        adapter.createOutput(inputId, { url: 'http://nope', streamKey: 'secret-key' }),
      );
      expect(err).toMatchObject({ kind: 'rejected', status: 400, provider: 'cloudflare' });
      expect(err.message).not.toContain('secret-key');
    });

    it('401 and 403 (bad token) → rejected', async () => {
      fake.injectFault({ route: 'live_inputs.get', status: 401 });
      expect(await caught(adapterAgainst(fake).adapter.getLiveInput(inputId))).toMatchObject({
        kind: 'rejected',
        status: 401,
      });
      const wrongToken = adapterAgainst(fake, { apiToken: 'not-the-token' }).adapter;
      const err = await caught(wrongToken.getLiveInput(inputId));
      expect(err).toMatchObject({ kind: 'rejected', status: 403 });
      expect(err.message).not.toContain('not-the-token');
    });

    it('404 → not_found on calls that do not swallow it', async () => {
      const err = await caught(
        adapterAgainst(fake).adapter.updateOutput(inputId, 'f'.repeat(32), { enabled: true }),
      );
      expect(err).toMatchObject({ kind: 'not_found', status: 404 });
    });

    it('429 → rate_limited with retryAfterMs from Retry-After', async () => {
      fake.injectFault({ route: 'live_inputs.get', status: 429, retryAfter: 7 });
      const err = await caught(
        adapterAgainst(fake, { maxRetries: 2 }).adapter.getLiveInput(inputId),
      );
      expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7_000 });
      expect(err.transient).toBe(true);
    });

    it('500 → unavailable', async () => {
      fake.injectFault({ route: 'live_inputs.get', status: 500 });
      expect(await caught(adapterAgainst(fake).adapter.getLiveInput(inputId))).toMatchObject({
        kind: 'unavailable',
        status: 500,
      });
    });

    it('a timeout → unavailable', async () => {
      fake.injectFault({ route: 'live_inputs.get', hang: true });
      const err = await caught(
        adapterAgainst(fake, { timeoutMs: 200 }).adapter.getLiveInput(inputId),
      );
      expect(err.kind).toBe('unavailable');
      expect(err.message).toMatch(/timed out/);
    });

    it('a reset connection → unavailable', async () => {
      fake.injectFault({ route: 'outputs.list', reset: true });
      expect((await caught(adapterAgainst(fake).adapter.listOutputs(inputId))).kind).toBe(
        'unavailable',
      );
    });

    it('nothing listening → unavailable', async () => {
      const adapter = new CloudflareStreamAdapter({
        apiToken: 't',
        accountId: fake.accountId,
        baseUrl: 'http://127.0.0.1:1/client/v4',
        maxRetries: 0,
        timeoutMs: 2_000,
        budget: new RequestBudget(),
      });
      const err = await caught(adapter.getLiveInput(inputId));
      expect(isProviderError(err, 'unavailable')).toBe(true);
    });
  });

  it('reports every attempt through onRequest', async () => {
    const seen: string[] = [];
    const { adapter } = adapterAgainst(fake, {
      onRequest: (route, outcome) => seen.push(`${route}:${outcome}`),
    });
    const { uid } = await adapter.createLiveInput({ userId: 'jack' });
    await adapter.getLiveInput('0'.repeat(32));
    await adapter.listOutputs(uid);
    expect(seen).toEqual(['live_inputs.create:ok', 'live_inputs.get:not_found', 'outputs.list:ok']);
  });
});
