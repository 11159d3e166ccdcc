import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { KICK_EVENTS } from '../../libs/platforms/kick/fake/kick-samples';
import { youtubeMessages } from '../../libs/platforms/youtube/fake/youtube-resources';
import { ChatMonitorsService } from '../chat/chat-monitors.service';
import { ApiError } from '../common/errors/api-error';
import { PlatformsService } from '../platforms/platforms.service';
import { SANDBOX, Sandbox } from '../providers/sandbox';
import { IngestService } from '../streams/ingest.service';

const VIEWERS = ['pixel_pete', 'luna_live', 'framedrop', 'chatty_cathy'];

/** Drives the in-process provider fakes for the dashboard's sandbox controls. */
@Injectable()
export class SandboxService {
  constructor(
    @Inject(SANDBOX) private readonly sandbox: Sandbox,
    private readonly ingest: IngestService,
    private readonly platforms: PlatformsService,
    private readonly monitors: ChatMonitorsService,
  ) {}

  info() {
    return {
      enabled: this.sandbox.enabled,
      livekit: Boolean(this.sandbox.livekit),
      platforms: this.sandbox.platforms ? ['twitch', 'youtube', 'kick', 'facebook'] : [],
    };
  }

  /** Connects the demo accounts the platform fakes know, with throw-away stream keys. */
  async connectPlatforms(userId: string) {
    this.require();
    await this.platforms.put(userId, 'twitch', {
      channel: 'streamer',
      streamKey: `live_${hex()}`,
      accessToken: 'twitch-token',
    });
    await this.platforms.put(userId, 'youtube', {
      channel: 'UC-owner',
      streamKey: hex(),
      accessToken: 'youtube-token',
    });
    await this.platforms.put(userId, 'kick', {
      channel: 'streamer',
      streamKey: `sk_${hex()}`,
      accessToken: 'kick-token',
    });
    await this.platforms.put(userId, 'facebook', {
      channel: '1001',
      streamKey: `FB-${hex()}`,
      accessToken: 'facebook-token',
    });
    return this.platforms.list(userId);
  }

  async encoder(userId: string, connected: boolean) {
    const fake = this.require().fake!;
    const inputId = await this.ingest.inputIdOf(userId);
    if (!inputId)
      throw ApiError.notFound(
        'INGEST_NOT_PROVISIONED',
        'Activate the session first (POST /api/session)',
      );
    if (connected) await fake.connect(inputId);
    else await fake.disconnect(inputId);
    return { inputId, connected };
  }

  /** A viewer message on every platform whose chat is running for this user. */
  async chat(userId: string, text = 'Hello from the sandbox!') {
    const fakes = this.require().platforms!;
    const viewer = VIEWERS[Math.floor(Math.random() * VIEWERS.length)];
    const sent: string[] = [];
    for (const platform of this.monitors.running(userId)) {
      const creds = await this.platforms.credentials(userId, platform);
      if (platform === 'twitch' && creds?.channel) {
        fakes.twitch.sendRaw(
          fakes.twitch.privmsgLine(
            creds.channel,
            { login: viewer, id: String(1000 + viewer.length) },
            text,
          ),
        );
        sent.push(platform);
      }
      if (platform === 'youtube' && fakes.youtube.broadcasts[0]) {
        const chat = fakes.youtube.broadcasts[0].liveChatId;
        fakes.youtube.post(
          youtubeMessages.text(
            chat,
            { channelId: `UC-${viewer}`, displayName: viewer },
            text,
            new Date(),
            randomUUID(),
          ),
        );
        sent.push(platform);
      }
      if (platform === 'kick' && fakes.kick.channels.get('streamer')) {
        const room = fakes.kick.channels.get('streamer')!.chatroomId;
        fakes.kick.broadcast(`chatrooms.${room}.v2`, KICK_EVENTS.message, {
          id: randomUUID(),
          chatroom_id: room,
          content: text,
          type: 'message',
          created_at: new Date().toISOString(),
          sender: {
            id: 7000 + viewer.length,
            username: viewer,
            slug: viewer,
            identity: { color: '#75FD46', badges: [] },
          },
        });
        sent.push(platform);
      }
      if (platform === 'facebook') {
        fakes.facebook.comment('5001', { id: `fb-${viewer}`, name: viewer }, text);
        sent.push(platform);
      }
    }
    if (sent.length === 0) {
      throw ApiError.conflict(
        'SESSION_NOT_STREAMING',
        'No platform chat is running: connect platforms and start a stream first',
      );
    }
    return { sent, viewer, text };
  }

  private require(): Sandbox {
    if (!this.sandbox.enabled)
      throw ApiError.notFound(
        'NOT_FOUND',
        'The sandbox is off (real provider credentials are configured)',
      );
    return this.sandbox;
  }
}

function hex(): string {
  return randomBytes(8).toString('hex');
}
