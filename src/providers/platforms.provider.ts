import { Provider } from '@nestjs/common';
import {
  FacebookChatAdapter,
  KickChatAdapter,
  PlatformChatPort,
  TwitchChatAdapter,
  YouTubeChatAdapter,
} from '../../libs/platforms';
import { PLATFORM_CHAT_PORTS } from '../chat/chat-monitors.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SANDBOX, Sandbox } from './sandbox';

type Endpoints = AppConfig['platforms'];

/** The sandbox's platform fakes, expressed as the same endpoint settings a deployment uses. */
function sandboxEndpoints(sandbox: Sandbox): Endpoints | undefined {
  const f = sandbox.platforms;
  if (!f) return undefined;
  return {
    twitch: {
      clientId: 'sandbox-client',
      ircUrl: `ws://127.0.0.1:${f.twitch.port}`,
      helixUrl: f.twitch.helixBaseUrl,
      oauthUrl: f.twitch.oauthBaseUrl,
    },
    youtube: { dailyQuota: 10_000, apiUrl: f.youtube.rootUrl, tokenUrl: f.youtube.tokenUrl },
    kick: {
      pusherKey: f.kick.appKey,
      pusherUrl: `ws://127.0.0.1:${f.kick.port}`,
      apiUrl: f.kick.apiBaseUrl,
      websiteUrl: f.kick.apiBaseUrl,
    },
    facebook: { graphUrl: f.facebook.graphBaseUrl },
  };
}

/**
 * One chat adapter per platform over the real client libraries, pointed at the real
 * platforms, at the endpoints in the configuration, or (sandbox) at the local fakes.
 */
export const platformChatProvider: Provider = {
  provide: PLATFORM_CHAT_PORTS,
  inject: [APP_CONFIG, SANDBOX],
  useFactory: (c: AppConfig, sandbox: Sandbox): PlatformChatPort[] => {
    const e = sandboxEndpoints(sandbox) ?? c.platforms;
    // Local endpoints (fakes) poll viewers often so the dashboard shows them quickly.
    const viewerPollMs = sandbox.platforms ? 5_000 : undefined;
    const irc = e.twitch.ircUrl ? new URL(e.twitch.ircUrl) : undefined;
    const pusher = e.kick.pusherUrl ? new URL(e.kick.pusherUrl) : undefined;
    return [
      new TwitchChatAdapter({
        clientId: c.platforms.twitch.clientId ?? e.twitch.clientId,
        clientSecret: c.platforms.twitch.clientSecret,
        ...(irc
          ? {
              ircHost: irc.hostname,
              ircPort: Number(irc.port) || undefined,
              secure: irc.protocol === 'wss:',
            }
          : {}),
        ...(e.twitch.helixUrl ? { helixBaseUrl: e.twitch.helixUrl } : {}),
        ...(e.twitch.oauthUrl ? { oauthBaseUrl: e.twitch.oauthUrl } : {}),
        viewerPollMs,
      }),
      new YouTubeChatAdapter({
        clientId: c.platforms.youtube.clientId,
        clientSecret: c.platforms.youtube.clientSecret,
        dailyQuota: c.platforms.youtube.dailyQuota,
        ...(e.youtube.apiUrl ? { rootUrl: e.youtube.apiUrl } : {}),
        ...(e.youtube.tokenUrl ? { tokenUrl: e.youtube.tokenUrl } : {}),
        viewerPollMs,
      }),
      new KickChatAdapter({
        ...(e.kick.pusherKey ? { pusherKey: e.kick.pusherKey } : {}),
        ...(pusher
          ? {
              wsHost: pusher.hostname,
              wsPort: Number(pusher.port) || undefined,
              forceTLS: pusher.protocol === 'wss:',
            }
          : {}),
        ...(e.kick.apiUrl ? { apiBaseUrl: e.kick.apiUrl } : {}),
        ...(e.kick.websiteUrl ? { websiteBaseUrl: e.kick.websiteUrl } : {}),
        viewerPollMs,
      }),
      new FacebookChatAdapter({
        ...(e.facebook.graphUrl ? { graphBaseUrl: e.facebook.graphUrl } : {}),
        viewerPollMs,
      }),
    ];
  },
};
