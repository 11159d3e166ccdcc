import { FakeTwitchServer } from '../twitch/fake/fake-twitch-server';
import { FakeYouTubeServer } from '../youtube/fake/fake-youtube-server';

export interface PlatformFakes {
  twitch: FakeTwitchServer;
  youtube: FakeYouTubeServer;
  close(): Promise<void>;
}

/**
 * Starts every platform fake (port 0 = random) with a demo streamer account:
 * Twitch login `streamer` (token `twitch-token`), YouTube owner with token `youtube-token`
 * and one active broadcast.
 */
export async function createPlatformFakes(
  ports: { twitch?: number; youtube?: number } = {},
): Promise<PlatformFakes> {
  const twitch = await FakeTwitchServer.start(ports.twitch ?? 0);
  twitch.addUser('streamer', '1001', 'Streamer');
  twitch.validTokens.add('twitch-token');
  twitch.streams.set('streamer', { viewerCount: 42, title: 'Demo stream' });

  const youtube = await FakeYouTubeServer.start(ports.youtube ?? 0);
  youtube.validTokens.add('youtube-token');
  youtube.addBroadcast({ title: 'Demo stream', concurrentViewers: 17 });

  return {
    twitch,
    youtube,
    close: async () => {
      await Promise.all([twitch.close(), youtube.close()]);
    },
  };
}
