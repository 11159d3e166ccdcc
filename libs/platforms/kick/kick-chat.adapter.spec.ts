import { RecordingSink } from '../common/recording-sink';
import { waitUntil } from '../common/wait-until';
import type { PlatformAccount, PlatformMonitorHandle } from '../platform-chat.port';
import { FakeKickServer, type FakeKickChannel } from './fake/fake-kick-server';
import { KICK_EVENTS, KICK_SAMPLES } from './fake/kick-samples';
import { KickChatAdapter } from './kick-chat.adapter';
import type { KickChatOptions } from './kick-chat.options';

const FAST = { backoff: { baseMs: 5, maxMs: 20 }, batch: { flushMs: 5, maxEvents: 500 } };
const at = '2024-05-01T12:00:00+00:00';

function chatMessage(id: string, content: string, from = { id: 77, username: 'viewer' }) {
  return {
    id,
    chatroom_id: 1,
    content,
    type: 'message',
    created_at: at,
    sender: { ...from, slug: from.username, identity: { color: '#fff', badges: [] } },
  };
}

describe(KickChatAdapter.name, () => {
  let fake: FakeKickServer;
  let streamer: FakeKickChannel;
  let room: string;
  const handles: PlatformMonitorHandle[] = [];

  beforeAll(async () => {
    fake = await FakeKickServer.start();
    streamer = fake.addChannel({
      slug: 'streamer',
      userId: 501,
      chatroomId: 9001,
      viewerCount: 1234,
    });
    room = `chatrooms.${streamer.chatroomId}.v2`;
    fake.tokens.set('kick-token', streamer.userId);
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
    fake.refuseWith = undefined;
  });
  afterAll(() => fake.close());

  function adapter(extra: KickChatOptions = {}): KickChatAdapter {
    return new KickChatAdapter({
      pusherKey: fake.appKey,
      wsHost: fake.host,
      wsPort: fake.port,
      apiBaseUrl: fake.apiBaseUrl,
      websiteBaseUrl: fake.apiBaseUrl,
      viewerPollMs: 20,
      connectTimeoutMs: 500,
      ...FAST,
      ...extra,
    });
  }

  async function start(
    sink: RecordingSink,
    account: Partial<PlatformAccount> = {},
    extra: KickChatOptions = {},
  ): Promise<PlatformMonitorHandle> {
    const handle = await adapter(extra).start(
      {
        userId: 'u1',
        platform: 'kick',
        channel: 'streamer',
        extra: { chatroomId: String(streamer.chatroomId) },
        ...account,
      },
      sink,
    );
    handles.push(handle);
    await waitUntil(() => sink.lastState === 'connected', 'connected');
    return handle;
  }

  /** A marker message proves every frame sent before it has been processed. */
  async function marker(sink: RecordingSink, text: string): Promise<void> {
    fake.broadcast(room, KICK_EVENTS.message, chatMessage(`marker-${text}`, text));
    await waitUntil(() => sink.withText(text).length === 1, `marker ${text}`);
  }

  it('connects with pusher-js, subscribes to chatrooms.<id>.v2 and reports connecting → connected', async () => {
    const sink = new RecordingSink();
    await start(sink);
    expect(sink.states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(fake.subscribers(room)).toBe(1);
  });

  it('looks the chatroom id up from the channel slug when the account has none', async () => {
    const sink = new RecordingSink();
    await start(sink, { extra: {} });
    expect(fake.subscribers(room)).toBe(1);
  });

  it('normalizes observed ChatMessageEvent (message, reply), subscription, gift and host payloads', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.broadcastMany(room, [
      { event: KICK_EVENTS.message, data: KICK_SAMPLES.message },
      { event: KICK_EVENTS.message, data: KICK_SAMPLES.reply },
      { event: KICK_EVENTS.subscription, data: KICK_SAMPLES.subscription },
      { event: KICK_EVENTS.giftedSubscriptions, data: KICK_SAMPLES.giftedSubscriptions },
      // Newer frames name the gift event without the namespace.
      {
        event: 'GiftedSubscriptionsEvent',
        data: { chatroom_id: 32806, gifted_usernames: ['solo'], gifter_username: 'Kind' },
      },
      { event: KICK_EVENTS.streamHost, data: KICK_SAMPLES.streamHost },
      { event: 'App\\Events\\PinnedMessageCreatedEvent', data: { message: KICK_SAMPLES.message } },
    ]);
    await waitUntil(() => sink.received.length === 6, 'six events');
    const derived = expect.stringMatching(/^kick-[0-9a-f]{32}$/);
    const now = expect.any(String);
    expect(sink.received).toEqual([
      {
        platform: 'kick',
        type: 'message',
        author: { id: '10863', name: 'SereKorr', badges: ['moderator'] },
        text: KICK_SAMPLES.message.content,
        platformMessageId: '088a8390-cce6-4ea5-b4f4-e1b2b032c64f',
        at: '2023-07-14T20:08:20.000Z',
      },
      {
        platform: 'kick',
        type: 'message',
        author: { id: '8082', name: 'kasperh32', badges: ['moderator'] },
        text: '[emote:17289:frankdimespeepolove][emote:16676:frankdimesVibe]',
        platformMessageId: 'a7354ff8-7ef7-47e7-843a-90963b137071',
        at: '2023-07-14T19:58:10.000Z',
      },
      {
        platform: 'kick',
        type: 'subscription',
        author: { id: 'rak_eem_t', name: 'rak_eem_t', badges: [] },
        text: 'rak_eem_t subscribed for 3 months',
        platformMessageId: derived,
        at: now,
      },
      {
        platform: 'kick',
        type: 'subscription',
        author: { id: 'Kobebeef22', name: 'Kobebeef22', badges: [] },
        text: 'Kobebeef22 gifted 3 subscriptions',
        platformMessageId: derived,
        at: now,
      },
      {
        platform: 'kick',
        type: 'subscription',
        author: { id: 'Kind', name: 'Kind', badges: [] },
        text: 'Kind gifted a subscription to solo',
        platformMessageId: derived,
        at: now,
      },
      {
        platform: 'kick',
        type: 'raid',
        author: { id: '7eventyy', name: '7eventyy', badges: [] },
        text: '7eventyy is hosting with 6 viewers',
        platformMessageId: derived,
        at: now,
      },
    ]);
  });

  it('reconnects with backoff after the fake drops the connection', async () => {
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
    expect(sink.states[2].detail).toMatch(/^closed 1006; retry 1 in \d+ ms$/);
    expect(fake.connections).toBe(before + 1);
    await marker(sink, 'after drop');
  });

  it('close code 4100: reconnects after backoff', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.closeConnections(4100, 'Over capacity');
    await waitUntil(() => sink.count('connected') === 2, 'connected after 4100');
    expect(sink.states[2]).toEqual({
      state: 'reconnecting',
      detail: expect.stringMatching(/^closed 4100 \(Over capacity\); retry 1 in \d+ ms$/),
    });
    await marker(sink, 'after 4100');
  });

  it('close code 4200: reconnects promptly, without backoff', async () => {
    const sink = new RecordingSink();
    await start(sink);
    fake.closeConnections(4200, 'Generic reconnect immediately');
    await waitUntil(() => sink.count('connected') === 2, 'connected after 4200');
    expect(sink.states[2]).toEqual({
      state: 'reconnecting',
      detail: 'closed 4200 (Generic reconnect immediately); reconnecting now',
    });
    await marker(sink, 'after 4200');
  });

  it('close code 4001: does not reconnect and reports failed, like pusher-js', async () => {
    const sink = new RecordingSink();
    await start(sink);
    const before = fake.connections;
    fake.closeConnections(4001, 'Application does not exist');
    await waitUntil(() => sink.lastState === 'failed', 'failed');
    // A second client connecting and subscribing gives a reconnect ample time to show up.
    const other = new RecordingSink();
    await start(other);
    expect(fake.connections).toBe(before + 1);
    expect(sink.states.map((s) => s.state)).toEqual(['connecting', 'connected', 'failed']);
    expect(sink.states[2].detail).toBe(
      'Kick refused the connection: closed 4001 (Application does not exist)',
    );
  });

  it('fails at the handshake with a wrong app key (pusher:error 4001)', async () => {
    const sink = new RecordingSink();
    handles.push(
      await adapter({ pusherKey: 'wrong-key' }).start(
        { userId: 'u1', platform: 'kick', channel: 'streamer', extra: { chatroomId: '9001' } },
        sink,
      ),
    );
    await waitUntil(() => sink.lastState === 'failed', 'failed');
    expect(sink.states[sink.states.length - 1].detail).toMatch(
      /^Kick refused the connection: closed 4001/,
    );
  });

  it('sends through POST /public/v1/chat and never emits the echo Kick broadcasts back', async () => {
    const sink = new RecordingSink();
    const handle = await start(sink, { accessToken: 'kick-token' });
    const result = await handle.send('hello kick');
    const received = fake.received.find((r) => r.content === 'hello kick');
    expect(received).toEqual({
      userId: streamer.userId,
      broadcasterUserId: streamer.userId,
      content: 'hello kick',
      type: 'user',
      messageId: expect.any(String),
    });
    expect(result).toEqual({ ok: true, platformMessageId: received?.messageId });
    await marker(sink, 'after send');
    expect(sink.withText('hello kick')).toHaveLength(0);
  });

  it('refuses to send without a token, and reports a rejected token without leaking it', async () => {
    const anonymous = new RecordingSink();
    const anon = await start(anonymous);
    expect(await anon.send('hi')).toEqual({ ok: false, error: expect.stringContaining('token') });
    const sink = new RecordingSink();
    const bad = await start(sink, { accessToken: 'revoked-token' });
    const result = await bad.send('hi');
    expect(result.ok).toBe(false);
    expect(result.error).toContain('Unauthorized');
    expect(result.error).not.toContain('revoked-token');
  });

  it('reports viewers from GET /public/v1/channels?slug=', async () => {
    const sink = new RecordingSink();
    await start(sink, { accessToken: 'kick-token' });
    await waitUntil(() => sink.viewerCounts.includes(1234), 'viewer count');
  });

  it('delivers a burst of 10,000 messages exactly once each, in batches', async () => {
    const sink = new RecordingSink();
    await start(sink);
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      event: KICK_EVENTS.message,
      data: chatMessage(`burst-${i}`, `m${i}`),
    }));
    // Redelivered frames (both chatroom channels, reconnects) must not double-count; they
    // are recent ones (older repeats are the stored events' primary key's to turn away).
    fake.broadcastMany(room, [...events, ...events.slice(-100)]);
    await waitUntil(() => sink.received.length >= 10_000, '10,000 events', 20_000);
    await marker(sink, 'end');
    const ids = sink.received
      .filter((e) => e.platformMessageId.startsWith('burst-'))
      .map((e) => e.platformMessageId);
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    expect(Math.max(...sink.batchSizes)).toBeLessThanOrEqual(500);
  });

  it('gives up as failed after the configured number of failed connection attempts', async () => {
    const gone = await FakeKickServer.start();
    const port = gone.port;
    await gone.close();
    const sink = new RecordingSink();
    handles.push(
      await adapter({ wsPort: port, connectTimeoutMs: 50, maxConsecutiveFailures: 3 }).start(
        { userId: 'u1', platform: 'kick', channel: 'streamer', extra: { chatroomId: '9001' } },
        sink,
      ),
    );
    await waitUntil(() => sink.lastState === 'failed', 'failed');
    expect(sink.states.map((s) => s.state)).toEqual([
      'connecting',
      'reconnecting',
      'reconnecting',
      'failed',
    ]);
  });
});
