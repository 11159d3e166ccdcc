import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type {
  PlatformChatPort,
  PlatformMonitorHandle,
  SendResult,
} from '../../libs/platforms/platform-chat.port';
import type { Platform } from '../platforms/platform';
import { PlatformsService } from '../platforms/platforms.service';
import type { ChatState } from '../sessions/session.view';
import { ChatService } from './chat.service';

/** The platform adapters available on this node (tmi.js, googleapis, pusher-js, Graph API). */
export const PLATFORM_CHAT_PORTS = Symbol('PLATFORM_CHAT_PORTS');

export interface MonitorHooks {
  state(chat: ChatState): void;
  viewers(count: number): void;
}

/**
 * Runs one platform's chat monitor for one session (as a supervised child of the session
 * actor): resolves when the session stops it, rejects when the platform fails, so the
 * supervisor can restart it with back-off.
 */
@Injectable()
export class ChatMonitorsService {
  private readonly logger = new Logger(ChatMonitorsService.name);
  private readonly ports = new Map<Platform, PlatformChatPort>();
  private readonly handles = new Map<string, PlatformMonitorHandle>();

  constructor(
    private readonly platforms: PlatformsService,
    private readonly chat: ChatService,
    @Optional() @Inject(PLATFORM_CHAT_PORTS) ports: PlatformChatPort[] | null,
  ) {
    for (const p of ports ?? []) this.ports.set(p.platform, p);
  }

  async run(
    args: { userId: string; broadcastId: string; platform: Platform },
    signal: AbortSignal,
    hooks: MonitorHooks,
  ): Promise<void> {
    const port = this.ports.get(args.platform);
    const creds = await this.platforms.credentials(args.userId, args.platform);
    if (!port || !creds?.channel) {
      hooks.state('off'); // no chat for this platform: restreaming still works
      return waitForAbort(signal);
    }
    hooks.state('connecting');
    let fail: (err: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const handle = await port.start(
      {
        userId: args.userId,
        platform: args.platform,
        channel: creds.channel,
        accessToken: creds.accessToken ?? undefined,
        refreshToken: creds.refreshToken ?? undefined,
      },
      {
        events: (batch) => this.chat.enqueue(args.userId, args.broadcastId, batch),
        state: (state, detail) => {
          hooks.state(state);
          if (state === 'failed') fail(new Error(detail ?? `${args.platform} chat failed`));
        },
        viewers: (count) => hooks.viewers(count),
        tokens: (t) =>
          void this.platforms
            .saveTokens(args.userId, args.platform, t)
            .catch((err: unknown) =>
              this.logger.warn(
                { err, userId: args.userId, platform: args.platform },
                'Refreshed platform tokens not saved; they are refreshed again next time',
              ),
            ),
      },
    );
    const key = `${args.userId}:${args.platform}`;
    this.handles.set(key, handle);
    try {
      await Promise.race([waitForAbort(signal), failed]);
    } finally {
      this.handles.delete(key);
      await handle.stop().catch(() => undefined);
      if (signal.aborted) hooks.state('off');
    }
  }

  /** Sends as the streamer to each running platform monitor; one result per platform. */
  async send(
    userId: string,
    text: string,
    platforms: Platform[],
  ): Promise<Partial<Record<Platform, SendResult>>> {
    const results: Partial<Record<Platform, SendResult>> = {};
    await Promise.all(
      platforms.map(async (p) => {
        const handle = this.handles.get(`${userId}:${p}`);
        if (!handle) {
          results[p] = { ok: false, error: `${p} chat is not connected` };
          return;
        }
        results[p] = await handle.send(text).catch((err: unknown) => ({
          ok: false,
          error: err instanceof Error ? err.message : String(err),
        }));
      }),
    );
    return results;
  }

  /** Sets the stream title on the platforms that support it (Twitch, YouTube); best effort. */
  async setTitle(
    userId: string,
    platforms: Platform[],
    title: string,
  ): Promise<Partial<Record<Platform, string>>> {
    const problems: Partial<Record<Platform, string>> = {};
    // Never rejects: a failure (the platform, or the database holding the credentials) is
    // one platform's problem, reported in the result.
    await Promise.all(
      platforms.map(async (platform) => {
        try {
          const port = this.ports.get(platform);
          const creds = await this.platforms.credentials(userId, platform);
          if (!port?.setTitle || !creds?.channel || !creds.accessToken) return;
          await port.setTitle(
            {
              userId,
              platform,
              channel: creds.channel,
              accessToken: creds.accessToken,
              refreshToken: creds.refreshToken ?? undefined,
            },
            title,
          );
        } catch (err) {
          problems[platform] = err instanceof Error ? err.message : String(err);
        }
      }),
    );
    return problems;
  }

  running(userId: string): Platform[] {
    return [...this.handles.keys()]
      .filter((k) => k.startsWith(`${userId}:`))
      .map((k) => k.split(':').pop() as Platform);
  }
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
