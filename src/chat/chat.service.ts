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
/** Rows per INSERT; a drain writes at most STATEMENTS_PER_DRAIN of them before it yields. */
const ROWS_PER_STATEMENT = 5_000;
const STATEMENTS_PER_DRAIN = 5;
const RETRY_AFTER_MS = 500;

/**
 * One statement for many sessions' batches, given as one JSON parameter: the statement
 * text never changes, nothing is built per row but the JSON (JSON.stringify is native;
 * pg's escaping of ten array parameters cost more than the database did, and TypeORM's
 * insert builder more still). Only the ids come back: the views are the ones we have.
 */
const INSERT_BATCHES = `
  INSERT INTO chat_events
    (id, user_id, broadcast_id, platform, type, author, text, amount, platform_message_id, at)
  SELECT e.id, g.u, g.b, e.platform, e.type, e.author, e.text, e.amount, e."platformMessageId", e.at
    FROM json_to_recordset($1::json) AS g(u text, b uuid, e json)
    CROSS JOIN LATERAL json_to_recordset(g.e) AS e(
      id uuid, platform text, type text, author jsonb, text text, amount jsonb,
      "platformMessageId" text, at timestamptz)
  ON CONFLICT DO NOTHING
  RETURNING id`;

/** One monitor delivery, already in the shape dashboards get (`u`, `b`, `e`: see INSERT_BATCHES). */
interface Batch {
  u: string;
  b: string | null;
  e: ChatEventView[];
}

@Injectable()
export class ChatService implements OnModuleDestroy {
  private readonly logger = new Logger(ChatService.name);
  private queue: Batch[] = [];
  private queued = 0;
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
    if (batch.length === 0) return;
    this.queue.push(toBatch(userId, broadcastId, batch));
    this.queued += batch.length;
    if (this.queued >= FLUSH_AT_ROWS) void this.flush();
    else this.schedule(FLUSH_EVERY_MS);
  }

  /** Stores a batch now; returns (and broadcasts) only the events that were new. */
  async ingest(
    userId: string,
    broadcastId: string | null,
    batch: NormalizedChatEvent[],
  ): Promise<ChatEventView[]> {
    return this.write([toBatch(userId, broadcastId, batch)]);
  }

  /** Events queued but not yet stored (for tests, metrics and shutdown). */
  get pending(): number {
    return this.queued;
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
        const { batches, rows } = take(this.queue, ROWS_PER_STATEMENT * STATEMENTS_PER_DRAIN);
        await this.write(batches);
        this.queue.splice(0, batches.length);
        this.queued -= rows;
      }
    } catch (err) {
      this.logger.warn({ err, queued: this.queued }, 'Chat events not stored yet; retrying');
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

  private async write(batches: Batch[]): Promise<ChatEventView[]> {
    const stored: Batch[] = [];
    for (let i = 0; i < batches.length;) {
      const chunk = take(batches.slice(i), ROWS_PER_STATEMENT);
      i += chunk.batches.length;
      const ids = (await this.db.query(INSERT_BATCHES, [JSON.stringify(chunk.batches)])) as {
        id: string;
      }[];
      if (ids.length === chunk.rows) stored.push(...chunk.batches);
      else {
        // Some were stored before (a platform re-delivered them): only the new ones go on.
        const fresh = new Set(ids.map((r) => r.id));
        for (const b of chunk.batches) stored.push({ ...b, e: b.e.filter((v) => fresh.has(v.id)) });
      }
    }
    const perBroadcast = new Map<string, number>();
    const perUser = new Map<string, ChatEventView[]>();
    for (const { u, b, e } of stored) {
      if (e.length === 0) continue;
      if (b) perBroadcast.set(b, (perBroadcast.get(b) ?? 0) + e.length);
      const list = perUser.get(u);
      if (list) list.push(...e);
      else perUser.set(u, e);
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

/** A monitor's events as dashboards get them, with their ids. */
function toBatch(userId: string, broadcastId: string | null, events: NormalizedChatEvent[]): Batch {
  return { u: userId, b: broadcastId, e: events.map((e) => toEventView(userId, e)) };
}

function toEventView(userId: string, e: NormalizedChatEvent): ChatEventView {
  return {
    id: randomUUID(),
    userId,
    platform: e.platform,
    type: e.type,
    author: e.author,
    text: e.text,
    ...(e.amount ? { amount: e.amount } : {}),
    platformMessageId: e.platformMessageId,
    at: canonicalIso(e.at),
  };
}

/** Leading batches holding at most `maxRows` events (always at least one batch). */
function take(batches: Batch[], maxRows: number): { batches: Batch[]; rows: number } {
  let rows = 0;
  let n = 0;
  while (n < batches.length && (n === 0 || rows + batches[n].e.length <= maxRows)) {
    rows += batches[n].e.length;
    n += 1;
  }
  return { batches: batches.slice(0, n), rows };
}

const CANONICAL_ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * The platform's timestamp as `toISOString` writes it, which is what platforms mostly
 * send already: then it is only checked (JavaScript rolls 30 February over into March,
 * PostgreSQL refuses it). A bad one must not make the whole batch unstorable: it becomes now.
 */
export function canonicalIso(iso: string): string {
  if (CANONICAL_ISO.test(iso) && new Date(iso).getUTCDate() === Number(iso.slice(8, 10)))
    return iso;
  const at = new Date(iso);
  return (Number.isNaN(at.getTime()) ? new Date() : at).toISOString();
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
