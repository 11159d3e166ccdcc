import { randomUUID } from 'node:crypto';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import {
  createPlatformFakes,
  FakeTwitchServer,
  platformFakeEnv,
  PlatformFakes,
} from '../../libs/platforms';
import { KICK_EVENTS } from '../../libs/platforms/kick/fake/kick-samples';
import { youtubeMessages } from '../../libs/platforms/youtube/fake/youtube-resources';
import type { SessionView } from '../../src/sessions/session.view';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

describe('Unified chat while streaming to all four platforms (real client libraries against the fakes)', () => {
  let cf: CloudflareFake;
  let fakes: PlatformFakes;
  let t: TestApp;
  let token: string;
  const me = 'multi';

  beforeAll(async () => {
    cf = await createCloudflareFake({ port: 0 });
    fakes = await createPlatformFakes();
    t = await createTestApp({ RECONCILE_INTERVAL: '1h', ...platformFakeEnv(fakes) }, cf);
    token = await t.token(me);
  });
  afterAll(async () => {
    await t.close();
    await fakes.close().catch(() => undefined);
    await cf.close();
  });

  const api = () => ({
    get: (p: string) => t.http().get(p).set('Authorization', `Bearer ${token}`),
    post: (p: string, b: object = {}) =>
      t.http().post(p).set('Authorization', `Bearer ${token}`).send(b),
    put: (p: string, b: object) => t.http().put(p).set('Authorization', `Bearer ${token}`).send(b),
  });
  const view = async (): Promise<SessionView> =>
    (await api().get('/api/session')).body as SessionView;
  const chatOf = (v: SessionView, platform: string) =>
    v.platforms.find((p) => p.platform === platform)!;

  it('reads every platform, shows viewers, sends replies, and survives a platform outage', async () => {
    await api().post('/api/session').expect(200);
    await api()
      .put('/api/platforms/twitch', {
        channel: 'streamer',
        streamKey: 'tw-1',
        accessToken: 'twitch-token',
      })
      .expect(200);
    await api()
      .put('/api/platforms/youtube', {
        channel: 'UC-owner',
        streamKey: 'yt-1',
        accessToken: 'youtube-token',
      })
      .expect(200);
    await api()
      .put('/api/platforms/kick', {
        channel: 'streamer',
        streamKey: 'kk-1',
        accessToken: 'kick-token',
      })
      .expect(200);
    await api()
      .put('/api/platforms/facebook', {
        channel: '1001',
        streamKey: 'fb-1',
        accessToken: 'facebook-token',
      })
      .expect(200);
    const inputId = [...cf.state.inputs.values()].find((i) => i.meta.userId === me)!.uid;
    await cf.connect(inputId);
    await waitFor(async () => (await view()).state === 'ready', 'ready');
    await api().post('/api/session/start', { title: 'Four ways' }).expect(202);
    await waitFor(
      async () => {
        const v = await view();
        return v.state === 'streaming' && v.platforms.every((p) => p.chat === 'connected') && v;
      },
      'all four chats connected',
      20_000,
    );

    // The title went to Twitch (Helix PATCH /channels) on Start.
    await waitFor(
      () => fakes.twitch.titleUpdates.some((u) => u.title === 'Four ways'),
      'the Twitch title',
    );

    // One viewer message per platform, each through its own protocol.
    fakes.twitch.sendRaw(
      fakes.twitch.privmsgLine('streamer', { login: 'viewer_tw', id: '501' }, 'hi from twitch'),
    );
    fakes.youtube.post(
      youtubeMessages.text(
        fakes.youtube.broadcasts[0].liveChatId,
        { channelId: 'UC-v', displayName: 'viewer_yt' },
        'hi from youtube',
      ),
    );
    const room = fakes.kick.channels.get('streamer')!.chatroomId;
    fakes.kick.broadcast(`chatrooms.${room}.v2`, KICK_EVENTS.message, {
      id: randomUUID(),
      chatroom_id: room,
      content: 'hi from kick',
      type: 'message',
      created_at: new Date().toISOString(),
      sender: {
        id: 77,
        username: 'viewer_kk',
        slug: 'viewer_kk',
        identity: { color: '#fff', badges: [] },
      },
    });
    fakes.facebook.comment('5001', { id: 'fb-v', name: 'viewer_fb' }, 'hi from facebook');
    const history = await waitFor(
      async () => {
        const rows = (await api().get('/api/chat?limit=50')).body as {
          platform: string;
          text: string;
        }[];
        return rows.length >= 4 && rows;
      },
      'a message from every platform',
      15_000,
    );
    expect(history.map((r) => `${r.platform}:${r.text}`).sort()).toEqual([
      'facebook:hi from facebook',
      'kick:hi from kick',
      'twitch:hi from twitch',
      'youtube:hi from youtube',
    ]);

    const withViewers = await waitFor(
      async () => {
        const v = await view();
        return v.platforms.every((p) => typeof p.viewers === 'number') && v;
      },
      'viewer counts',
      15_000,
    );
    expect(chatOf(withViewers, 'twitch').viewers).toBe(42);

    // A reply to two chosen platforms reaches exactly those two.
    const reply = await api()
      .post('/api/chat', { text: 'thanks all', platforms: ['twitch', 'facebook'] })
      .expect(200);
    expect(Object.keys(reply.body.results).sort()).toEqual(['facebook', 'twitch']);
    expect(reply.body.results.twitch.ok).toBe(true);
    await waitFor(
      () => fakes.twitch.received.some((m) => m.text === 'thanks all'),
      'twitch got the reply',
    );
    expect(fakes.facebook.posted.map((c) => c.message)).toContain('thanks all');
    expect(fakes.kick.received).toEqual([]);

    // Twitch goes down: visible on that platform only, then back by itself.
    const port = fakes.twitch.port;
    await fakes.twitch.close();
    await waitFor(
      async () => chatOf(await view(), 'twitch').chat !== 'connected',
      'twitch outage visible',
      15_000,
    );
    const during = await view();
    expect(['youtube', 'kick', 'facebook'].map((p) => chatOf(during, p).chat)).toEqual([
      'connected',
      'connected',
      'connected',
    ]);
    expect(during.state).toBe('streaming');
    const revived = await FakeTwitchServer.start(port);
    revived.addUser('streamer', '1001', 'Streamer');
    revived.validTokens.add('twitch-token');
    fakes.twitch = revived;
    await waitFor(
      async () => chatOf(await view(), 'twitch').chat === 'connected',
      'twitch recovered',
      30_000,
    );

    await api().post('/api/session/stop').expect(202);
    await waitFor(
      async () => (await view()).state !== 'streaming' && (await view()).state !== 'ending',
      'stopped',
    );
    const after = await view();
    expect(after.platforms.every((p) => p.chat === 'off')).toBe(true);
  }, 90_000);
});
