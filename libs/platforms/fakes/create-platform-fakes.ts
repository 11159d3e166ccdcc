import { FakeFacebookServer } from '../facebook/fake/fake-facebook-server';
import { FakeKickServer } from '../kick/fake/fake-kick-server';
import { FakeTwitchServer } from '../twitch/fake/fake-twitch-server';
import { FakeYouTubeServer } from '../youtube/fake/fake-youtube-server';

export interface PlatformFakes {
  twitch: FakeTwitchServer;
  youtube: FakeYouTubeServer;
  kick: FakeKickServer;
  facebook: FakeFacebookServer;
  close(): Promise<void>;
}

/**
 * Starts every platform fake (port 0 = random) with a demo streamer account:
 * Twitch login `streamer` (token `twitch-token`), YouTube owner with token `youtube-token`
 * and one active broadcast, Kick channel `streamer` (chatroom 2001, token `kick-token`,
 * Pusher key `fake-kick-key`), Facebook Page `1001` (Page token `facebook-token`) with one
 * live video.
 */
export async function createPlatformFakes(
  ports: { twitch?: number; youtube?: number; kick?: number; facebook?: number } = {},
): Promise<PlatformFakes> {
  const twitch = await FakeTwitchServer.start(ports.twitch ?? 0);
  twitch.addUser('streamer', '1001', 'Streamer');
  twitch.validTokens.add('twitch-token');
  twitch.streams.set('streamer', { viewerCount: 42, title: 'Demo stream' });

  const youtube = await FakeYouTubeServer.start(ports.youtube ?? 0);
  youtube.validTokens.add('youtube-token');
  youtube.addBroadcast({ title: 'Demo stream', concurrentViewers: 17 });

  const kick = await FakeKickServer.start(ports.kick ?? 0);
  const kickChannel = kick.addChannel({
    slug: 'streamer',
    userId: 1001,
    chatroomId: 2001,
    viewerCount: 23,
    title: 'Demo stream',
  });
  kick.tokens.set('kick-token', kickChannel.userId);

  const facebook = await FakeFacebookServer.start(ports.facebook ?? 0);
  facebook.addPage('1001', 'Streamer');
  facebook.validTokens.add('facebook-token');
  facebook.addLiveVideo('1001', { id: '5001', liveViews: 11 });

  return {
    twitch,
    youtube,
    kick,
    facebook,
    close: async () => {
      await Promise.all([twitch.close(), youtube.close(), kick.close(), facebook.close()]);
    },
  };
}

/**
 * The service's platform endpoint variables as a deployment sets them, pointed at `f`
 * (tests, benchmarks and the chaos run give these to the real adapters).
 */
export function platformFakeEnv(f: PlatformFakes): Record<string, string> {
  return {
    TWITCH_CLIENT_ID: 'fake-client',
    TWITCH_IRC_URL: `ws://127.0.0.1:${f.twitch.port}`,
    TWITCH_HELIX_URL: f.twitch.helixBaseUrl,
    TWITCH_OAUTH_URL: f.twitch.oauthBaseUrl,
    YOUTUBE_API_URL: f.youtube.rootUrl,
    YOUTUBE_TOKEN_URL: f.youtube.tokenUrl,
    KICK_PUSHER_KEY: f.kick.appKey,
    KICK_PUSHER_URL: `ws://127.0.0.1:${f.kick.port}`,
    KICK_API_URL: f.kick.apiBaseUrl,
    KICK_WEBSITE_URL: f.kick.apiBaseUrl,
    FACEBOOK_GRAPH_URL: f.facebook.graphBaseUrl,
  };
}
