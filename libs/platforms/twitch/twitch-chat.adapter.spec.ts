import { RecordingSink } from '../common/recording-sink';
import { waitUntil } from '../common/wait-until';
import type { PlatformAccount, PlatformMonitorHandle } from '../platform-chat.port';
import { FakeTwitchServer } from './fake/fake-twitch-server';
import { retarget, TWITCH_SAMPLE_LINES } from './fake/twitch-samples';
import { TwitchChatAdapter } from './twitch-chat.adapter';
import type { TwitchChatOptions } from './twitch-chat.options';

const CHANNEL = 'streamer';
const FAST = { backoff: { baseMs: 5, maxMs: 20 }, batch: { flushMs: 5, maxEvents: 500 } };

describe(TwitchChatAdapter.name, () => {
  let fake: FakeTwitchServer;
  const handles: PlatformMonitorHandle[] = [];

  beforeAll(async () => {
    fake = await FakeTwitchServer.start();
    fake.addUser(CHANNEL, '1001', 'Streamer');
    fake.validTokens.add('user-token');
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
    fake.echoToSender = false;
  });
  afterAll(() => fake.close());

  function adapter(extra: TwitchChatOptions = {}): TwitchChatAdapter {
    return new TwitchChatAdapter({
      ircHost: fake.host,
      ircPort: fake.port,
      helixBaseUrl: fake.helixBaseUrl,
      oauthBaseUrl: fake.oauthBaseUrl,
      clientId: 'client-id',
      clientSecret: 'client-secret',
      viewerPollMs: 20,
      sendAckTimeoutMs: 1_000,
      ...FAST,
      ...extra,
    });
  }

  async function start(
    sink: RecordingSink,
    account: Partial<PlatformAccount> = {},
    extra: TwitchChatOptions = {},
  ): Promise<PlatformMonitorHandle> {
    const handle = await adapter(extra).start(
      { userId: 'u1', platform: 'twitch', channel: CHANNEL, ...account },
      sink,
    );
    handles.push(handle);
    await waitUntil(() => sink.lastState === 'connected', 'connected');
    return handle;
  }

  it('connects anonymously over IRC (CAP, NICK justinfan, 376, JOIN) and reports connecting → connected', async () => {
    const sink = new RecordingSink();
    await start(sink);
    expect(sink.states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(fake.joined(CHANNEL)).toBeGreaterThanOrEqual(1);
  });

  it("normalizes Twitch's documented PRIVMSG, cheer and USERNOTICE lines", async () => {
    const sink = new RecordingSink();
    await start(sink);
    const samples = TWITCH_SAMPLE_LINES;
    fake.sendRaw(
      [
        samples.privmsg,
        samples.cheer,
        samples.sub,
        samples.resub,
        samples.subgift,
        samples.raid,
      ].map((l) => retarget(l, CHANNEL)),
    );
    await waitUntil(() => sink.received.length === 6, 'six events');
    expect(sink.received).toEqual([
      {
        platform: 'twitch',
        type: 'message',
        author: { id: '713936733', name: 'abc', badges: ['broadcaster'] },
        text: 'HeyGuys',
        platformMessageId: 'eb24e920-8065-492a-8aea-266a00fc5126',
        at: new Date(1642786203573).toISOString(),
      },
      {
        platform: 'twitch',
        type: 'donation',
        author: { id: '53305504', name: 'Grawlixes', badges: [] },
        text: 'HeyGuys1',
        amount: { value: 1, currency: 'BITS' },
        platformMessageId: 'e9f2e996-9e50-4b0b-92cd-2c970163634c',
        at: new Date(1560467259682).toISOString(),
      },
      {
        platform: 'twitch',
        type: 'subscription',
        author: {
          id: '44812924',
          name: 'burago18',
          badges: ['moderator', 'subscriber', 'premium'],
        },
        text: 'burago18 subscribed at Tier 1.',
        platformMessageId: '229ecd51-1ec2-4dda-ae43-6ac4058a25a3',
        at: new Date(1574904233310).toISOString(),
      },
      {
        platform: 'twitch',
        type: 'subscription',
        author: { id: '87654321', name: 'ronni', badges: ['staff', 'broadcaster', 'turbo'] },
        text: 'Great stream -- keep it up!',
        platformMessageId: 'db25007f-7a18-43eb-9379-80131e44d633',
        at: new Date(1507246572675).toISOString(),
      },
      {
        platform: 'twitch',
        type: 'subscription',
        author: { id: '87654321', name: 'TWW2', badges: ['staff', 'premium'] },
        text: 'TWW2 gifted a Tier 1 sub to Mr_Woodchuck!',
        platformMessageId: 'e9176cd8-5e22-4684-ad40-ce53c2561c5e',
        at: new Date(1521159445153).toISOString(),
      },
      {
        platform: 'twitch',
        type: 'raid',
        author: { id: '123456', name: 'TestChannel', badges: ['turbo'] },
        // tmi.js unescapes the tag's `\n` to nothing.
        text: '15 raiders from TestChannel have joined!',
        platformMessageId: '3d830f12-795c-447d-af3c-ea05e40fbddb',
        at: new Date(1507246572675).toISOString(),
      },
    ]);
  });

  it("keeps a frame's order when plain messages (read without tmi.js) and other lines mix", async () => {
    const sink = new RecordingSink();
    await start(sink);
    const plain = (id: string) => fake.privmsgLine(CHANNEL, { login: 'viewer', id }, `plain ${id}`);
    const samples = TWITCH_SAMPLE_LINES;
    fake.sendRaw(
      [samples.cheer, plain('p1'), samples.raid, plain('p2'), plain('p3'), samples.sub].map((l) =>
        retarget(l, CHANNEL),
      ),
    );
    await waitUntil(() => sink.received.length === 6, 'six events');
    expect(sink.received.map((e) => `${e.type} ${e.text}`)).toEqual([
      'donation HeyGuys1',
      'message plain p1',
      'raid 15 raiders from TestChannel have joined!',
      'message plain p2',
      'message plain p3',
      'subscription burago18 subscribed at Tier 1.',
    ]);
  });

  it('reconnects with backoff after the server drops the connection', async () => {
    const sink = new RecordingSink();
    await start(sink);
    const before = fake.connections;
    fake.dropConnections();
    await waitUntil(() => sink.count('connected') === 2, 'second connected');
    expect(sink.states.map((s) => s.state)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'connected',
    ]);
    expect(fake.connections).toBeGreaterThan(before);
    fake.sendRaw(fake.privmsgLine(CHANNEL, { login: 'viewer', id: '7' }, 'after drop'));
    await waitUntil(() => sink.withText('after drop').length === 1, 'message after reconnect');
  });

  it('reconnects when the server sends RECONNECT', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.sendReconnect();
    await waitUntil(() => sink.count('connected') === 2, 'connected after RECONNECT');
    expect(sink.states).toContainEqual({ state: 'reconnecting', detail: 'server sent RECONNECT' });
  });

  it('sends as the streamer; the message reaches the fake and never comes back as an event', async () => {
    fake.echoToSender = true; // even if Twitch did echo, the adapter must drop it
    const sink = new RecordingSink();
    const handle = await start(sink, { accessToken: 'user-token' });
    const result = await handle.send('hello chat');
    expect(result.ok).toBe(true);
    expect(fake.received.map((r) => [r.nick, r.text])).toContainEqual([CHANNEL, 'hello chat']);
    expect(result.platformMessageId).toBe(fake.received.find((r) => r.text === 'hello chat')?.id);
    // A later viewer message proves the echo (sent earlier on the same socket) was processed.
    fake.sendRaw(fake.privmsgLine(CHANNEL, { login: 'viewer', id: '7' }, 'marker'));
    await waitUntil(() => sink.withText('marker').length === 1, 'marker');
    expect(sink.withText('hello chat')).toHaveLength(0);
  });

  it('refuses to send anonymously and past the 20-per-30-s style limit', async () => {
    const anonymous = new RecordingSink();
    const anon = await start(anonymous);
    expect(await anon.send('hi')).toEqual({ ok: false, error: expect.stringContaining('token') });

    const sink = new RecordingSink();
    const handle = await start(
      sink,
      { accessToken: 'user-token' },
      { sendLimit: { max: 2, windowMs: 60_000 } },
    );
    expect((await handle.send('one')).ok).toBe(true);
    expect((await handle.send('two')).ok).toBe(true);
    const third = await handle.send('three');
    expect(third.ok).toBe(false);
    expect(third.error).toMatch(/^rate_limited: Twitch allows 2 messages per 60 s/);
    expect(fake.received.filter((r) => r.text === 'three')).toHaveLength(0);
  });

  it('delivers a burst of 10,000 messages exactly once each, in batches', async () => {
    const sink = new RecordingSink();
    await start(sink);
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      fake.privmsgLine(CHANNEL, { login: `v${i % 50}`, id: String(i % 50) }, `m${i}`, {
        id: `burst-${i}`,
      }),
    );
    // Twitch can redeliver around reconnects: repeat recent lines to prove de-duplication
    // (older repeats are the stored events' primary key's to turn away).
    fake.sendRaw([...lines, ...lines.slice(-100)]);
    await waitUntil(() => sink.received.length >= 10_000, '10,000 events', 20_000);
    fake.sendRaw(fake.privmsgLine(CHANNEL, { login: 'viewer', id: '7' }, 'end'));
    await waitUntil(() => sink.withText('end').length === 1, 'end marker');
    const ids = sink.received
      .filter((e) => e.platformMessageId.startsWith('burst-'))
      .map((e) => e.platformMessageId);
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    expect(Math.max(...sink.batchSizes)).toBeLessThanOrEqual(500);
  });

  it('polls viewers from Helix and refreshes an expired token on 401', async () => {
    fake.streams.set(CHANNEL, { viewerCount: 4321, title: 'Live' });
    fake.validTokens.add('old-token');
    fake.refreshTokens.set('refresh-1', 'fresh-token');
    const sink = new RecordingSink();
    await start(sink, { accessToken: 'old-token', refreshToken: 'refresh-1' });
    await waitUntil(() => sink.viewerCounts.includes(4321), 'viewer count');
    fake.validTokens.delete('old-token'); // the token expires
    fake.streams.set(CHANNEL, { viewerCount: 99, title: 'Live' });
    await waitUntil(() => sink.viewerCounts.includes(99), 'viewers after refresh');
    expect(sink.tokenUpdates).toEqual([
      { accessToken: 'fresh-token', refreshToken: 'refresh-1-next', expiresAt: expect.any(String) },
    ]);
  });

  it('keeps running when the sink throws, and reports the error through state', async () => {
    const sink = new RecordingSink();
    let calls = 0;
    sink.events = (batch) => {
      calls += 1;
      if (calls === 1) throw new Error('sink exploded');
      sink.received.push(...batch);
    };
    await start(sink);
    fake.sendRaw(fake.privmsgLine(CHANNEL, { login: 'viewer', id: '7' }, 'first'));
    await waitUntil(
      () => sink.states.some((s) => s.detail?.includes('sink exploded')),
      'error state',
    );
    fake.sendRaw(fake.privmsgLine(CHANNEL, { login: 'viewer', id: '7' }, 'second'));
    await waitUntil(() => sink.withText('second').length === 1, 'second message');
  });

  it('gives up as failed after the configured number of consecutive failures', async () => {
    const gone = await FakeTwitchServer.start();
    const port = gone.port;
    await gone.close();
    const sink = new RecordingSink();
    const handle = await new TwitchChatAdapter({
      ircHost: '127.0.0.1',
      ircPort: port,
      ...FAST,
      maxConsecutiveFailures: 3,
    }).start({ userId: 'u1', platform: 'twitch', channel: CHANNEL }, sink);
    handles.push(handle);
    await waitUntil(() => sink.lastState === 'failed', 'failed');
    expect(sink.states.map((s) => s.state)).toEqual([
      'connecting',
      'reconnecting',
      'reconnecting',
      'failed',
    ]);
  });

  it('sets the stream title through Helix PATCH /channels', async () => {
    await adapter().setTitle(
      { userId: 'u1', platform: 'twitch', channel: CHANNEL, accessToken: 'user-token' },
      'New title',
    );
    expect(fake.titleUpdates).toContainEqual({ broadcasterId: '1001', title: 'New title' });
  });
});
