import { RecordingSink } from '../common/recording-sink';
import { waitUntil } from '../common/wait-until';
import type { PlatformAccount, PlatformMonitorHandle } from '../platform-chat.port';
import { FakeYouTubeServer, type FakeBroadcast } from './fake/fake-youtube-server';
import { youtubeMessages } from './fake/youtube-resources';
import { YouTubeChatAdapter } from './youtube-chat.adapter';
import type { YouTubeChatOptions } from './youtube-chat.options';

const viewer = { channelId: 'UC-viewer', displayName: 'Viewer One', isChatSponsor: true };
const at = new Date('2024-05-01T12:00:00.000Z');

describe(YouTubeChatAdapter.name, () => {
  let fake: FakeYouTubeServer;
  let broadcast: FakeBroadcast;
  const handles: PlatformMonitorHandle[] = [];

  beforeAll(async () => {
    fake = await FakeYouTubeServer.start();
    fake.validTokens.add('yt-token');
    fake.pollingIntervalMillis = 0;
  });
  beforeEach(() => {
    fake.broadcasts.splice(0);
    broadcast = fake.addBroadcast({ concurrentViewers: 321 });
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
  });
  afterAll(() => fake.close());

  function adapter(extra: YouTubeChatOptions = {}): YouTubeChatAdapter {
    return new YouTubeChatAdapter({
      rootUrl: fake.rootUrl,
      tokenUrl: fake.tokenUrl,
      clientId: 'client',
      clientSecret: 'secret',
      minPollMs: 2,
      viewerPollMs: 20,
      backoff: { baseMs: 5, maxMs: 20 },
      batch: { flushMs: 5, maxEvents: 500 },
      ...extra,
    });
  }

  async function start(
    sink: RecordingSink,
    extra: YouTubeChatOptions = {},
    account: Partial<PlatformAccount> = {},
  ): Promise<PlatformMonitorHandle> {
    const handle = await adapter(extra).start(
      {
        userId: 'u1',
        platform: 'youtube',
        channel: 'UC-owner',
        accessToken: 'yt-token',
        ...account,
      },
      sink,
    );
    handles.push(handle);
    await waitUntil(() => sink.lastState === 'connected', 'connected');
    return handle;
  }

  it('finds the active broadcast, then normalizes every supported liveChatMessage type', async () => {
    const chat = broadcast.liveChatId;
    const items = [
      youtubeMessages.text(chat, viewer, 'hello there', at),
      youtubeMessages.superChat(chat, viewer, 5_000_000, 'USD', 'great stream', at),
      youtubeMessages.superSticker(chat, viewer, 2_500_000, 'EUR', 'Happy cat sticker', at),
      youtubeMessages.newSponsor(chat, viewer, 'Gold', at),
      youtubeMessages.milestone(chat, viewer, 'Gold', 12, 'a year!', at),
    ];
    items.forEach((m) => fake.post(m));
    const sink = new RecordingSink();
    await start(sink);
    await waitUntil(() => sink.received.length === 5, 'five events');
    const author = { id: 'UC-viewer', name: 'Viewer One', badges: ['member'] };
    const base = { platform: 'youtube', author, at: at.toISOString() };
    expect(sink.received).toEqual([
      { ...base, type: 'message', text: 'hello there', platformMessageId: items[0].id },
      {
        ...base,
        type: 'donation',
        text: 'great stream',
        amount: { value: 5, currency: 'USD' },
        platformMessageId: items[1].id,
      },
      {
        ...base,
        type: 'donation',
        text: 'Happy cat sticker',
        amount: { value: 2.5, currency: 'EUR' },
        platformMessageId: items[2].id,
      },
      { ...base, type: 'subscription', text: 'Welcome to Gold!', platformMessageId: items[3].id },
      { ...base, type: 'subscription', text: 'a year!', platformMessageId: items[4].id },
    ]);
  });

  it('follows nextPageToken so a message is never emitted twice, and reports viewers', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'one'));
    await waitUntil(() => sink.withText('one').length === 1, 'one');
    const calls = fake.listCalls;
    await waitUntil(() => fake.listCalls >= calls + 3, 'more polls');
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'two'));
    await waitUntil(() => sink.withText('two').length === 1, 'two');
    expect(sink.withText('one')).toHaveLength(1);
    await waitUntil(() => sink.viewerCounts.includes(321), 'viewers');
  });

  it('reconnects with backoff after server errors and resumes from the same page', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.failNextList.push(
      { code: 503, reason: 'backendError' },
      { code: 503, reason: 'backendError' },
    );
    await waitUntil(() => sink.count('connected') === 2, 'connected again');
    expect(sink.states.map((s) => s.state)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'reconnecting',
      'connected',
    ]);
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'after outage'));
    await waitUntil(() => sink.withText('after outage').length === 1, 'message after outage');
  });

  it('sends with liveChatMessages.insert and drops the echo YouTube lists back', async () => {
    const sink = new RecordingSink();
    const handle = await start(sink);
    const result = await handle.send('hi from the streamer');
    expect(result).toEqual({ ok: true, platformMessageId: fake.inserted[0].id });
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'marker'));
    await waitUntil(() => sink.withText('marker').length === 1, 'marker after the echo');
    expect(sink.withText('hi from the streamer')).toHaveLength(0);
  });

  it('dates a message with an unreadable publishedAt by now, and reads on past it', async () => {
    const sink = new RecordingSink();
    await start(sink);
    const bad = youtubeMessages.text(broadcast.liveChatId, viewer, 'undated');
    (bad['snippet'] as Record<string, unknown>)['publishedAt'] = 'not a time';
    fake.post(bad);
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'after', at));
    await waitUntil(() => sink.withText('after').length === 1, 'the next message');

    const [undated] = sink.withText('undated');
    expect(Math.abs(Date.parse(undated.at) - Date.now())).toBeLessThan(60_000);
    expect(sink.withText('after')[0].at).toBe(at.toISOString());
    expect(sink.lastState).toBe('connected');
  });

  it('delivers a burst of 10,000 messages exactly once each', async () => {
    for (let i = 0; i < 10_000; i++)
      fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, `m${i}`));
    const sink = new RecordingSink();
    await start(sink, { pageSize: 2000 });
    await waitUntil(() => sink.received.length >= 10_000, '10,000 events', 20_000);
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'end'));
    await waitUntil(() => sink.withText('end').length === 1, 'end marker');
    const ids = sink.received.map((e) => e.platformMessageId);
    expect(ids).toHaveLength(10_001);
    expect(new Set(ids).size).toBe(10_001);
  });

  it('counts quota units and slows polling near the daily budget', async () => {
    const sink = new RecordingSink();
    // 1 (broadcast lookup) + 5 per list: the 8th list call crosses 80% of 50 units.
    await start(sink, { dailyQuota: 50, slowdownAt: 0.8, viewerPollMs: 60_000 });
    await waitUntil(
      () => sink.states.some((s) => s.detail?.startsWith('quota: slowed')),
      'slowed state',
    );
    const calls = fake.listCalls;
    fake.post(youtubeMessages.text(broadcast.liveChatId, viewer, 'late'));
    // Slowed to spread 10 remaining units over the rest of the day: no burst of polls follows.
    expect(fake.listCalls).toBeLessThanOrEqual(calls + 1);
    expect(sink.states.find((s) => s.detail?.startsWith('quota: slowed'))).toEqual({
      state: 'connected',
      detail: expect.stringMatching(/^quota: slowed \(\d+\/50 units\)$/),
    });
  });

  it('refreshes an expired access token through the OAuth token endpoint', async () => {
    fake.refreshTokens.set('yt-refresh', 'yt-fresh');
    const sink = new RecordingSink();
    await start(sink, {}, { accessToken: 'expired', refreshToken: 'yt-refresh' });
    expect(sink.tokenUpdates[0]).toEqual(expect.objectContaining({ accessToken: 'yt-fresh' }));
  });

  it('fails (without retrying) when the live chat has ended', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.failNextList.push({ code: 403, reason: 'liveChatEnded' });
    await waitUntil(() => sink.lastState === 'failed', 'failed');
    expect(sink.states[sink.states.length - 1]).toEqual({
      state: 'failed',
      detail: 'YouTube liveChatEnded',
    });
  });

  it('sets the broadcast title with liveBroadcasts.update', async () => {
    await adapter().setTitle(
      { userId: 'u1', platform: 'youtube', channel: 'UC-owner', accessToken: 'yt-token' },
      'Fresh title',
    );
    expect(broadcast.title).toBe('Fresh title');
  });
});
