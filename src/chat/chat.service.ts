import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, LessThan, Repository } from 'typeorm';
import type { NormalizedChatEvent } from '../../libs/platforms/platform-chat.port';
import { EventBus } from '../events/event-bus';
import { DatabaseHealthIndicator } from '../health/database-health.indicator';
import { ChatEventEntity } from './entities/chat-event.entity';
import type { ChatEventView } from './chat-event.view';

/**
 * How long the first event of an idle writer waits for company. Under load batches form by
 * themselves: whatever arrives while a write is in flight goes into the next statement.
 */
const FLUSH_EVERY_MS = 10;
const FLUSH_AT_ROWS = 2_000;
/** Rows per INSERT (one array parameter per column, so no bind-parameter limit applies). */
const ROWS_PER_STATEMENT = 5_000;
const RETRY_AFTER_MS = 500;

/**
 * One statement for a whole batch: a parameter per column (arrays), so the statement text
 * never changes and nothing is built per row (TypeORM's insert builder cost more than the
 * database did). Only the ids come back: the views are made from the rows we already have.
 */
const INSERT_ROWS = `
  INSERT INTO chat_events
    (id, user_id, broadcast_id, platform, type, author, text, amount, platform_message_id, at)
  SELECT * FROM unnest(
    $1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[],
    $6::jsonb[], $7::text[], $8::jsonb[], $9::text[], $10::timestamptz[])
  ON CONFLICT DO NOTHING
  RETURNING id`;

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
    databaseHealth: DatabaseHealthIndicator,
  ) {
    // Readiness counts the events waiting here while the database is away.
    databaseHealth.registerBacklog({ name: 'chatEvents', queued: () => this.pending });
  }

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
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      const ids = new Set(
        ((await this.db.query(INSERT_ROWS, columns(chunk))) as { id: string }[]).map((r) => r.id),
      );
      for (const row of chunk) if (ids.has(row.id)) inserted.push(row);
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
    at: validDate(e.at),
  };
}

/** A bad timestamp from a platform must not make the whole batch unstorable. */
function validDate(iso: string): Date {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/** The rows as one array per column, in INSERT_ROWS's order. */
function columns(rows: ChatEventEntity[]): unknown[][] {
  const n = rows.length;
  const cols = Array.from({ length: 10 }, () => new Array<unknown>(n));
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    cols[0][i] = r.id;
    cols[1][i] = r.userId;
    cols[2][i] = r.broadcastId;
    cols[3][i] = r.platform;
    cols[4][i] = r.type;
    cols[5][i] = JSON.stringify(r.author);
    cols[6][i] = r.text;
    cols[7][i] = r.amount === null ? null : JSON.stringify(r.amount);
    cols[8][i] = r.platformMessageId;
    cols[9][i] = r.at.toISOString();
  }
  return cols;
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
