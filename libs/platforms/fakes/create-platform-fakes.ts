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
