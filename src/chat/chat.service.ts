import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, LessThan, Repository } from 'typeorm';
import type { NormalizedChatEvent } from '../../libs/platforms/platform-chat.port';
import { EventBus } from '../events/event-bus';
import { ChatEventEntity } from './entities/chat-event.entity';
import type { ChatEventView } from './chat-event.view';

const FLUSH_EVERY_MS = 50;
const FLUSH_AT_ROWS = 2_000;
/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters (10 columns a row). */
const ROWS_PER_STATEMENT = 1_000;
const RETRY_AFTER_MS = 500;

/**
 * Unified chat: normalized events from every platform, stored once (de-duplicated by the
 * platform's message id at the database) and broadcast in batches. Monitors enqueue; one
 * node-wide writer combines every session's events into a few multi-row statements per
 * flush, and keeps (and retries) what the database could not take, so a burst or a slow
 * database loses nothing.
 */
@Injectable()
export class ChatService implements OnModuleDestroy {
  private readonly logger = new Logger(ChatService.name);
  private queue: ChatEventEntity[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    @InjectRepository(ChatEventEntity) private readonly repo: Repository<ChatEventEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventBus,
  ) {}

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }

  /** Queues a monitor's batch for the node-wide writer. */
  enqueue(userId: string, broadcastId: string | null, batch: NormalizedChatEvent[]): void {
    for (const e of batch) this.queue.push(toRow(userId, broadcastId, e));
    if (this.queue.length >= FLUSH_AT_ROWS) void this.flush();
    else this.schedule(FLUSH_EVERY_MS);
  }

  /** Stores a batch now; returns (and broadcasts) only the events that were new. */
  async ingest(
    userId: string,
    broadcastId: string | null,
    batch: NormalizedChatEvent[],
  ): Promise<ChatEventView[]> {
    return this.write(batch.map((e) => toRow(userId, broadcastId, e)));
  }

  /** Events queued but not yet stored (for tests, metrics and shutdown). */
  get pending(): number {
    return this.queue.length;
  }

  flush(): Promise<void> {
    // Cleared in a `.finally` attached after the assignment: a run that finds nothing to do
    // settles synchronously, and clearing inside it would leave a stale promise behind.
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const rows = this.queue.slice(0, ROWS_PER_STATEMENT * 5);
        await this.write(rows);
        this.queue.splice(0, rows.length);
      }
    } catch (err) {
      this.logger.warn({ err, queued: this.queue.length }, 'Chat events not stored yet; retrying');
      this.schedule(RETRY_AFTER_MS);
    }
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  private async write(rows: ChatEventEntity[]): Promise<ChatEventView[]> {
    if (rows.length === 0) return [];
    const inserted: ChatEventEntity[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const result = await this.repo
        .createQueryBuilder()
        .insert()
        .values(rows.slice(i, i + ROWS_PER_STATEMENT))
        .orIgnore()
        .returning('*')
        .execute();
      inserted.push(...(result.raw as Record<string, unknown>[]).map(fromRaw));
    }
    const perBroadcast = new Map<string, number>();
    const perUser = new Map<string, ChatEventView[]>();
    for (const row of inserted) {
      if (row.broadcastId)
        perBroadcast.set(row.broadcastId, (perBroadcast.get(row.broadcastId) ?? 0) + 1);
      const list = perUser.get(row.userId) ?? [];
      list.push(toView(row));
      perUser.set(row.userId, list);
    }
    if (perBroadcast.size > 0) {
      await this.db.query(
        `UPDATE broadcasts b SET chat_count = b.chat_count + v.n
           FROM unnest($1::uuid[], $2::int[]) AS v(id, n) WHERE b.id = v.id`,
        [[...perBroadcast.keys()], [...perBroadcast.values()]],
      );
    }
    for (const [userId, events] of perUser) this.events.emit('chat.events', { userId, events });
    return [...perUser.values()].flat();
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

function toRow(
  userId: string,
  broadcastId: string | null,
  e: NormalizedChatEvent,
): ChatEventEntity {
  return {
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
  };
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
