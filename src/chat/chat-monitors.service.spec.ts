import type { PlatformChatPort } from '../../libs/platforms';
import type { PlatformsService } from '../platforms/platforms.service';
import type { ChatService } from './chat.service';
import { ChatMonitorsService } from './chat-monitors.service';

describe(ChatMonitorsService.name, () => {
  it('reports a title it could not set as a problem, even when the credentials cannot be read', async () => {
    // The database went away between Start and the title (a chaos run: the rejection was
    // unhandled and ended the process).
    const platforms = {
      credentials: async (_u: string, platform: string) => {
        if (platform === 'kick') throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return { channel: 'me', accessToken: 't' };
      },
    } as unknown as PlatformsService;
    const titles: string[] = [];
    const twitch = {
      platform: 'twitch',
      setTitle: async (_c: unknown, title: string) => void titles.push(title),
    } as unknown as PlatformChatPort;
    const monitors = new ChatMonitorsService(platforms, {} as ChatService, [twitch]);
    const problems = await monitors.setTitle('u1', ['twitch', 'kick'], 'Live now');
    expect(titles).toEqual(['Live now']);
    expect(problems).toEqual({ kick: 'connect ECONNREFUSED 127.0.0.1:5432' });
  });
});
