import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Platform } from '../platforms/platform';
import { ChatMonitorsService } from './chat-monitors.service';
import { ChatService } from './chat.service';

/** The streamer's reply: sent to each chosen platform and stored once in the unified chat. */
@Injectable()
export class ChatSendService {
  constructor(
    private readonly monitors: ChatMonitorsService,
    private readonly chat: ChatService,
  ) {}

  async send(userId: string, text: string, platforms?: Platform[]) {
    const targets = platforms ?? this.monitors.running(userId);
    const results = await this.monitors.send(userId, text, targets);
    const at = new Date().toISOString();
    const sent = Object.entries(results).filter(([, r]) => r?.ok) as [
      Platform,
      { platformMessageId?: string },
    ][];
    await this.chat.ingest(
      userId,
      null,
      sent.map(([platform, r]) => ({
        platform,
        type: 'message',
        author: { id: userId, name: userId, badges: ['broadcaster'] },
        text,
        platformMessageId: r.platformMessageId ?? `sent:${randomUUID()}`,
        at,
      })),
    );
    return { results };
  }
}
