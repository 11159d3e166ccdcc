import { RecordingSink } from '../common/recording-sink';
import { waitUntil } from '../common/wait-until';
import { FacebookChatAdapter } from '../facebook/facebook-chat.adapter';
import { KICK_EVENTS } from '../kick/fake/kick-samples';
import { KickChatAdapter } from '../kick/kick-chat.adapter';
import type { PlatformMonitorHandle, PlatformName } from '../platform-chat.port';
import { TwitchChatAdapter } from '../twitch/twitch-chat.adapter';
import { youtubeMessages } from '../youtube/fake/youtube-resources';
import { YouTubeChatAdapter } from '../youtube/youtube-chat.adapter';
import { createPlatformFakes, type PlatformFakes } from './create-platform-fakes';

const FAST = {
  backoff: { baseMs: 5, maxMs: 20 },
  batch: { flushMs: 5, maxEvents: 500 },
  maxConsecutiveFailures: 3,
};
const PLATFORMS: PlatformName[] = ['twitch', 'youtube', 'kick', 'facebook'];

describe('platform isolation', () => {
  let fakes: PlatformFakes;
  let sinks: Record<PlatformName, RecordingSink>;
  const handles: PlatformMonitorHandle[] = [];

  beforeEach(async () => {
    fakes = await createPlatformFakes();
    fakes.youtube.pollingIntervalMillis = 0;
    sinks = {
      twitch: new RecordingSink(),
      youtube: new RecordingSink(),
      kick: new RecordingSink(),
      facebook: new RecordingSink(),
    };
    const account = { userId: 'u1', channel: 'streamer' };
    handles.push(
      await new TwitchChatAdapter({
        ircHost: '127.0.0.1',
        ircPort: fakes.twitch.port,
        ...FAST,
      }).start({ ...account, platform: 'twitch' }, sinks.twitch),
      await new YouTubeChatAdapter({ rootUrl: fakes.youtube.rootUrl, minPollMs: 2, ...FAST }).start(
        { ...account, platform: 'youtube', channel: 'UC-owner', accessToken: 'youtube-token' },
        sinks.youtube,
      ),
      await new KickChatAdapter({
        pusherKey: fakes.kick.appKey,
        wsHost: '127.0.0.1',
        wsPort: fakes.kick.port,
        websiteBaseUrl: fakes.kick.apiBaseUrl,
        apiBaseUrl: fakes.kick.apiBaseUrl,
        connectTimeoutMs: 50,
        ...FAST,
      }).start({ ...account, platform: 'kick' }, sinks.kick),
      await new FacebookChatAdapter({
        graphBaseUrl: fakes.facebook.graphBaseUrl,
        pollMs: 5,
        ...FAST,
      }).start(
        { ...account, platform: 'facebook', channel: '1001', accessToken: 'facebook-token' },
        sinks.facebook,
      ),
    );
    await waitUntil(
      () => PLATFORMS.every((p) => sinks[p].lastState === 'connected'),
      'all four connected',
    );
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
    await fakes.close();
  });

  /** A viewer writes `text` in the platform's chat, through its fake. */
  function chat(platform: PlatformName, text: string): void {
    switch (platform) {
      case 'twitch':
        fakes.twitch.sendRaw(
          fakes.twitch.privmsgLine('streamer', { login: 'viewer', id: '7' }, text),
        );
        break;
      case 'youtube':
        fakes.youtube.post(
          youtubeMessages.text(
            fakes.youtube.broadcasts[0].liveChatId,
            { channelId: 'UC-v', displayName: 'V' },
            text,
          ),
        );
        break;
      case 'kick':
        fakes.kick.broadcast('chatrooms.2001.v2', KICK_EVENTS.message, {
          id: `kick-${text}`,
          chatroom_id: 2001,
          content: text,
          type: 'message',
          created_at: new Date().toISOString(),
          sender: {
            id: 7,
            username: 'viewer',
            slug: 'viewer',
            identity: { color: '#fff', badges: [] },
          },
        });
        break;
      case 'facebook':
        fakes.facebook.comment('5001', { id: '7', name: 'Viewer' }, text);
        break;
    }
  }

  it.each(PLATFORMS)(
    'keeps the other three delivering after the %s fake goes down for good',
    async (down) => {
      await fakes[down].close();
      await waitUntil(() => sinks[down].lastState === 'failed', `${down} failed`);
      const others = PLATFORMS.filter((p) => p !== down);
      for (const p of others) chat(p, `still here on ${p}`);
      await waitUntil(
        () => others.every((p) => sinks[p].withText(`still here on ${p}`).length === 1),
        'the other three delivered',
      );
      for (const p of others) expect(sinks[p].lastState).toBe('connected');
    },
  );
});
