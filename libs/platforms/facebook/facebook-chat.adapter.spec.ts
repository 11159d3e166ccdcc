import { RecordingSink } from '../common/recording-sink';
import { waitUntil } from '../common/wait-until';
import type { PlatformAccount, PlatformMonitorHandle } from '../platform-chat.port';
import { FacebookChatAdapter } from './facebook-chat.adapter';
import type { FacebookChatOptions } from './facebook-chat.options';
import { FakeFacebookServer, type FakeLiveVideo } from './fake/fake-facebook-server';

const PAGE = '1122334455';
const TOKEN = 'EAAB-page-token-secret';
const viewer = { id: '9001', name: 'Viewer One' };
const at = new Date('2024-05-01T12:00:00.000Z');

describe(FacebookChatAdapter.name, () => {
  let fake: FakeFacebookServer;
  let video: FakeLiveVideo;
  const handles: PlatformMonitorHandle[] = [];

  beforeAll(async () => {
    fake = await FakeFacebookServer.start();
    fake.addPage(PAGE, 'Streamer Page');
  });
  beforeEach(() => {
    fake.liveVideos.clear();
    fake.validTokens.add(TOKEN);
    fake.appUsage = undefined;
    fake.businessUsage = undefined;
    video = fake.addLiveVideo(PAGE, { liveViews: 87 });
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
  });
  afterAll(() => fake.close());

  function adapter(extra: FacebookChatOptions = {}): FacebookChatAdapter {
    return new FacebookChatAdapter({
      graphBaseUrl: fake.graphBaseUrl,
      pollMs: 5,
      viewerPollMs: 20,
      backoff: { baseMs: 5, maxMs: 20 },
      batch: { flushMs: 5, maxEvents: 500 },
      ...extra,
    });
  }

  async function start(
    sink: RecordingSink,
    extra: FacebookChatOptions = {},
    account: Partial<PlatformAccount> = {},
    wait = true,
  ): Promise<PlatformMonitorHandle> {
    const handle = await adapter(extra).start(
      { userId: 'u1', platform: 'facebook', channel: PAGE, accessToken: TOKEN, ...account },
      sink,
    );
    handles.push(handle);
    if (wait) await waitUntil(() => sink.lastState === 'connected', 'connected');
    return handle;
  }

  async function marker(sink: RecordingSink, text: string): Promise<void> {
    fake.comment(video.id, viewer, text);
    await waitUntil(() => sink.withText(text).length === 1, `marker ${text}`);
  }

  it("finds the Page's live video and normalizes Graph comments, oldest first", async () => {
    const first = fake.comment(video.id, viewer, 'hello from facebook', at);
    // Without the viewer's permission Graph leaves `from` out.
    const second = fake.comment(video.id, undefined, 'anonymous hi', new Date(at.getTime() + 1000));
    const sink = new RecordingSink();
    await start(sink);
    await waitUntil(() => sink.received.length === 2, 'two comments');
    expect(sink.states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(sink.received).toEqual([
      {
        platform: 'facebook',
        type: 'message',
        author: { id: '9001', name: 'Viewer One', badges: [] },
        text: 'hello from facebook',
        platformMessageId: first.id,
        at: '2024-05-01T12:00:00.000Z',
      },
      {
        platform: 'facebook',
        type: 'message',
        author: { id: '', name: 'Facebook user', badges: [] },
        text: 'anonymous hi',
        platformMessageId: second.id,
        at: '2024-05-01T12:00:01.000Z',
      },
    ]);
  });

  it('follows the after cursor across pages and never emits a comment twice', async () => {
    for (let i = 0; i < 5; i++) fake.comment(video.id, viewer, `early ${i}`);
    const sink = new RecordingSink();
    await start(sink, { pageSize: 2 }, { extra: { liveVideoId: video.id } });
    await waitUntil(() => sink.received.length === 5, 'five early comments');
    expect(sink.received.map((e) => e.text)).toEqual([0, 1, 2, 3, 4].map((i) => `early ${i}`));
    const calls = fake.commentListCalls;
    await waitUntil(() => fake.commentListCalls >= calls + 3, 'more polls');
    for (let i = 0; i < 3; i++) fake.comment(video.id, viewer, `late ${i}`);
    await waitUntil(() => sink.received.length === 8, 'three late comments');
    await marker(sink, 'end');
    expect(new Set(sink.received.map((e) => e.platformMessageId)).size).toBe(sink.received.length);
    expect(sink.received.slice(5, 8).map((e) => e.text)).toEqual(['late 0', 'late 1', 'late 2']);
  });

  it('reports viewers from live_views', async () => {
    const sink = new RecordingSink();
    await start(sink);
    await waitUntil(() => sink.viewerCounts.includes(87), 'viewers');
  });

  it('reconnects with backoff after Graph outages and resumes without re-emitting', async () => {
    fake.comment(video.id, viewer, 'before');
    const sink = new RecordingSink();
    await start(sink);
    await waitUntil(() => sink.withText('before').length === 1, 'before');
    const outage = { status: 500, code: 2, message: 'Service temporarily unavailable' };
    fake.failNextComments.push(outage, outage);
    await waitUntil(() => sink.count('connected') === 2, 'connected again');
    expect(sink.states.map((s) => s.state)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'reconnecting',
      'connected',
    ]);
    await marker(sink, 'after outage');
    expect(sink.withText('before')).toHaveLength(1);
  });

  it('comments as the Page; the comment reaches the fake and is not echoed back', async () => {
    const sink = new RecordingSink();
    const handle = await start(sink);
    const result = await handle.send('thanks for watching');
    expect(fake.posted.map((c) => [c.message, c.from?.id])).toEqual([
      ['thanks for watching', PAGE],
    ]);
    expect(result).toEqual({ ok: true, platformMessageId: fake.posted[0].id });
    await marker(sink, 'after send');
    expect(sink.withText('thanks for watching')).toHaveLength(0);
  });

  it('delivers a burst of 10,000 comments exactly once each', async () => {
    const sink = new RecordingSink();
    await start(sink, { pageSize: 500 });
    for (let i = 0; i < 10_000; i++) fake.comment(video.id, viewer, `m${i}`);
    await waitUntil(() => sink.received.length >= 10_000, '10,000 events', 20_000);
    await marker(sink, 'end');
    const ids = sink.received.map((e) => e.platformMessageId);
    expect(ids).toHaveLength(10_001);
    expect(new Set(ids).size).toBe(10_001);
    expect(sink.received[0].text).toBe('m0');
    expect(sink.received[9_999].text).toBe('m9999');
  });

  it('slows polling when X-App-Usage passes the threshold, and says so in the state', async () => {
    fake.appUsage = { call_count: 80, total_time: 12, total_cputime: 9 };
    const slow = new RecordingSink();
    await start(slow, { slowPollMs: 60_000 });
    expect(slow.states[slow.states.length - 1]).toEqual({
      state: 'connected',
      detail: 'usage: slowed (80%)',
    });
    // A second monitor with a higher threshold keeps polling fast: it proves time passed.
    const fast = new RecordingSink();
    await start(fast, { slowdownAt: 90 });
    fake.comment(video.id, viewer, 'while slowed');
    await waitUntil(() => fast.withText('while slowed').length === 1, 'fast monitor got it');
    const calls = fake.commentListCalls;
    await waitUntil(() => fake.commentListCalls >= calls + 5, 'fast monitor keeps polling');
    expect(slow.withText('while slowed')).toHaveLength(0);
  });

  it('reads X-Business-Use-Case-Usage too', async () => {
    fake.businessUsage = { call_count: 10, total_time: 20, total_cputime: 91 };
    const sink = new RecordingSink();
    await start(sink, { slowPollMs: 60_000 });
    expect(sink.states[sink.states.length - 1].detail).toBe('usage: slowed (91%)');
  });

  it('backs off on Graph rate-limit codes (4, 17, 32, 613) without counting them as failures', async () => {
    const sink = new RecordingSink();
    await start(sink, { maxConsecutiveFailures: 2 });
    fake.failNextComments.push(
      { status: 400, code: 4, message: '(#4) Application request limit reached' },
      { status: 400, code: 17, message: '(#17) User request limit reached' },
      { status: 400, code: 32, message: '(#32) Page request limit reached' },
      { status: 400, code: 613, message: '(#613) Calls to this api have exceeded the rate limit.' },
    );
    await waitUntil(() => sink.count('connected') === 2, 'connected after the limits');
    const limited = sink.states.filter((s) => s.state === 'reconnecting').map((s) => s.detail);
    expect(limited).toEqual([
      expect.stringMatching(
        /^rate limited: Graph code 4: \(#4\) Application request limit reached \(fbtrace_id .+\); retry in \d+ ms$/,
      ),
      expect.stringMatching(/^rate limited: Graph code 17: /),
      expect.stringMatching(/^rate limited: Graph code 32: /),
      expect.stringMatching(/^rate limited: Graph code 613: /),
    ]);
    expect(sink.count('failed')).toBe(0);
    await marker(sink, 'after limits');
  });

  it('fails without retrying when the token is invalid (code 190), never showing the token', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.validTokens.delete(TOKEN);
    await waitUntil(() => sink.lastState === 'failed', 'failed');
    const last = sink.states[sink.states.length - 1];
    expect(last.detail).toMatch(
      /^Facebook token invalid: Graph code 190: Invalid OAuth access token/,
    );
    expect(JSON.stringify(sink.states)).not.toContain(TOKEN);
  });

  it('keeps retrying while the Page has no live video, then connects when one starts', async () => {
    fake.liveVideos.clear();
    const sink = new RecordingSink();
    await start(sink, {}, {}, false);
    await waitUntil(() => sink.count('reconnecting') >= 2, 'retrying');
    expect(sink.states[1].detail).toMatch(/^the Page has no live video; retry 1 in \d+ ms$/);
    video = fake.addLiveVideo(PAGE);
    await waitUntil(() => sink.lastState === 'connected', 'connected');
    await marker(sink, 'live now');
  });
});
