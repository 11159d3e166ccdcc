import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, LessThan, Repository } from 'typeorm';
import type { NormalizedChatEvent } from '../../libs/platforms/platform-chat.port';
import { EventBus } from '../events/event-bus';
import { ChatEventEntity } from './entities/chat-event.entity';
import type { ChatEventView } from './chat-event.view';

/**
 * Unified chat: normalized events from every platform, stored once (de-duplicated by the
 * platform's message id at the database) and broadcast in batches.
 */
@Injectable()
export class ChatService {
  constructor(
    @InjectRepository(ChatEventEntity) private readonly repo: Repository<ChatEventEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventBus,
  ) {}

  /** Stores a batch; returns (and broadcasts) only the events that were new. */
  async ingest(
    userId: string,
    broadcastId: string | null,
    batch: NormalizedChatEvent[],
  ): Promise<ChatEventView[]> {
    if (batch.length === 0) return [];
    const rows = batch.map((e) => ({
      id: randomUUID(),
      userId,
      broadcastId,
      platform: e.platform,
      type: e.type,
      author: e.author,
      text: e.text,
      amount: e.amount ?? null,
      platformMessageId: e.platformMessageId,
      at: new Date(e.at),
    }));
    const inserted: ChatEventEntity[] = [];
    // Chunks keep each statement well under PostgreSQL's bind-parameter limit.
    for (let i = 0; i < rows.length; i += 1000) {
      const result = await this.repo
        .createQueryBuilder()
        .insert()
        .values(rows.slice(i, i + 1000))
        .orIgnore()
        .returning('*')
        .execute();
      inserted.push(...(result.raw as Record<string, unknown>[]).map(fromRaw));
    }
    if (broadcastId && inserted.length > 0) {
      await this.db.query('UPDATE broadcasts SET chat_count = chat_count + $1 WHERE id = $2', [
        inserted.length,
        broadcastId,
      ]);
    }
    const views = inserted.map(toView);
    if (views.length > 0) this.events.emit('chat.events', { userId, events: views });
    return views;
  }

  async history(userId: string, before: Date | undefined, limit: number): Promise<ChatEventView[]> {
    const rows = await this.repo.find({
      where: before ? { userId, at: LessThan(before) } : { userId },
      order: { at: 'DESC' },
      take: limit,
    });
    return rows.map(toView);
  }

  count(userId: string): Promise<number> {
    return this.repo.countBy({ userId });
  }
}

function fromRaw(r: Record<string, unknown>): ChatEventEntity {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    broadcastId: (r.broadcast_id as string | null) ?? null,
    platform: r.platform as ChatEventEntity['platform'],
    type: r.type as ChatEventEntity['type'],
    author: r.author as ChatEventEntity['author'],
    text: r.text as string,
    amount: (r.amount as ChatEventEntity['amount']) ?? null,
    platformMessageId: r.platform_message_id as string,
    at: r.at as Date,
  };
}

export function toView(r: ChatEventEntity): ChatEventView {
  return {
    id: r.id,
    userId: r.userId,
    platform: r.platform,
    type: r.type,
    author: r.author,
    text: r.text,
    ...(r.amount ? { amount: r.amount } : {}),
    platformMessageId: r.platformMessageId,
    at: new Date(r.at).toISOString(),
  };
}
