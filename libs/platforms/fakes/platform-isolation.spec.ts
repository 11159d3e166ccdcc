import { RecordingSink } from '../common/recording-sink';
import { waitUntil } from '../common/wait-until';
import type { PlatformMonitorHandle } from '../platform-chat.port';
import { TwitchChatAdapter } from '../twitch/twitch-chat.adapter';
import { youtubeMessages } from '../youtube/fake/youtube-resources';
import { YouTubeChatAdapter } from '../youtube/youtube-chat.adapter';
import { createPlatformFakes, type PlatformFakes } from './create-platform-fakes';

const FAST = { backoff: { baseMs: 5, maxMs: 20 }, batch: { flushMs: 5, maxEvents: 500 } };

describe('platform isolation', () => {
  let fakes: PlatformFakes;
  const handles: PlatformMonitorHandle[] = [];

  beforeAll(async () => {
    fakes = await createPlatformFakes();
    fakes.youtube.pollingIntervalMillis = 0;
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.stop()));
    await fakes.close();
  });

  it('keeps YouTube chat flowing after the Twitch fake goes down for good', async () => {
    const twitchSink = new RecordingSink();
    const youtubeSink = new RecordingSink();
    handles.push(
      await new TwitchChatAdapter({
        ircHost: '127.0.0.1',
        ircPort: fakes.twitch.port,
        ...FAST,
        maxConsecutiveFailures: 3,
      }).start({ userId: 'u1', platform: 'twitch', channel: 'streamer' }, twitchSink),
      await new YouTubeChatAdapter({ rootUrl: fakes.youtube.rootUrl, minPollMs: 2, ...FAST }).start(
        { userId: 'u1', platform: 'youtube', channel: 'UC-owner', accessToken: 'youtube-token' },
        youtubeSink,
      ),
    );
    await waitUntil(
      () => twitchSink.lastState === 'connected' && youtubeSink.lastState === 'connected',
      'both connected',
    );

    await fakes.twitch.close();
    await waitUntil(() => twitchSink.lastState === 'failed', 'twitch failed');

    const chat = fakes.youtube.broadcasts[0].liveChatId;
    fakes.youtube.post(
      youtubeMessages.text(chat, { channelId: 'UC-v', displayName: 'V' }, 'still here'),
    );
    await waitUntil(() => youtubeSink.withText('still here').length === 1, 'youtube message');
    expect(youtubeSink.lastState).toBe('connected');
  });
});
