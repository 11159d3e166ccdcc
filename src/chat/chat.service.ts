import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository } from 'typeorm';
import type { NormalizedChatEvent } from '../../libs/platforms/platform-chat.port';
import { EventBus } from '../events/event-bus';
import { DatabaseHealthIndicator } from '../health/database-health.indicator';
import { chatEventId } from './chat-event-id';
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
 * Writers at work at once, each on its own connection. One writer waits for PostgreSQL
 * most of the time: alone it stored about 20,000 events/s on a 2-core machine, whatever
 * the node had left. A streamer's events always go to the same writer, so they are
 * stored and shown in the order they came.
 */
export const WRITER_LANES = 2;

/**
 * One statement for many sessions' batches, given as one JSON parameter: the statement
 * text never changes, nothing is built per row but the JSON (JSON.stringify is native;
 * pg's escaping of ten array parameters cost more than the database did, and TypeORM's
 * insert builder more still). The broadcasts' chat counts are raised in the same
 * statement, so an event is stored and counted, or neither. An id is derived from the
 * platform's message id (chatEventId), so the primary key is what turns a re-delivered
 * message away. One row comes back: how many were stored and, only when that is fewer than
 * were sent (`$2`), which ones. The views are the ones we have; a row per stored event
 * cost the node more to read than the rest of the reply.
 */
const INSERT_BATCHES = `
  WITH stored AS (
    INSERT INTO chat_events
      (id, user_id, broadcast_id, platform, type, author, text, amount, platform_message_id, at)
    SELECT e.id, g.u, g.b, e.platform, e.type, e.author, e.text, e.amount, e."platformMessageId",
           e.at
      FROM json_to_recordset($1::json) AS g(u text, b uuid, e json)
      CROSS JOIN LATERAL json_to_recordset(g.e) AS e(
        id uuid, platform text, type text, author jsonb, text text, amount jsonb,
        "platformMessageId" text, at timestamptz)
    ON CONFLICT (id) DO NOTHING
    RETURNING id, broadcast_id
  ), counted AS (
    UPDATE broadcasts b SET chat_count = b.chat_count + c.n
      FROM (SELECT broadcast_id, count(*)::int AS n FROM stored
             WHERE broadcast_id IS NOT NULL GROUP BY broadcast_id) c
     WHERE b.id = c.broadcast_id
  )
  SELECT count(*)::int AS stored,
         CASE WHEN count(*) < $2 THEN array_agg(id)::text[] END AS ids
    FROM stored`;

/** One monitor delivery, already in the shape dashboards get (`u`, `b`, `e`: see INSERT_BATCHES). */
interface Batch {
  u: string;
  b: string | null;
  e: ChatEventView[];
}

@Injectable()
export class ChatService implements OnModuleDestroy {
  private readonly logger = new Logger(ChatService.name);
  private readonly lanes: Lane[] = Array.from({ length: WRITER_LANES }, () => ({
    queue: [],
    queued: 0,
  }));
  private timer?: NodeJS.Timeout;

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

  /** Queues a monitor's batch for the node-wide writers (the streamer's lane). */
  enqueue(userId: string, broadcastId: string | null, batch: NormalizedChatEvent[]): void {
    if (batch.length === 0) return;
    const lane = this.lanes[writerLane(userId)];
    lane.queue.push(toBatch(userId, broadcastId, batch));
    lane.queued += batch.length;
    if (lane.queued >= FLUSH_AT_ROWS) void this.flushLane(lane);
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
    return this.lanes.reduce((n, lane) => n + lane.queued, 0);
  }

  /** Stores what every lane holds (each lane one statement at a time, the lanes at once). */
  async flush(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => this.flushLane(lane)));
  }

  private flushLane(lane: Lane): Promise<void> {
    // Cleared in a `.finally` attached after the assignment: a run that finds nothing to do
    // settles synchronously, and clearing inside it would leave a stale promise behind.
    lane.flushing ??= this.drain(lane).finally(() => (lane.flushing = undefined));
    return lane.flushing;
  }

  private async drain(lane: Lane): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const batches = lane.queue.slice(
          0,
          takeUntil(lane.queue, 0, ROWS_PER_STATEMENT * STATEMENTS_PER_DRAIN),
        );
        const rows = rowsOf(batches);
        await this.write(batches);
        lane.queue.splice(0, batches.length);
        lane.queued -= rows;
      }
    } catch (err) {
      this.logger.warn({ err, queued: lane.queued }, 'Chat events not stored yet; retrying');
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

  /**
   * Stores the batches, a statement per ROWS_PER_STATEMENT, and broadcasts what each one
   * stored as soon as it is stored (a later statement failing must not hold back, or lose,
   * what an earlier one committed: the retry finds those rows stored and skips them).
   */
  private async write(batches: Batch[]): Promise<ChatEventView[]> {
    const shown: ChatEventView[] = [];
    for (let from = 0; from < batches.length;) {
      const to = takeUntil(batches, from, ROWS_PER_STATEMENT);
      const chunk = batches.slice(from, to);
      from = to;
      const sent = rowsOf(chunk);
      const [{ stored, ids }] = (await this.db.query(INSERT_BATCHES, [
        JSON.stringify(chunk),
        sent,
      ])) as { stored: number; ids: string[] | null }[];
      // Some may have been stored before (a platform re-delivered them), or be in the chunk
      // twice: only new ones go on, each once.
      const fresh = stored === sent ? undefined : new Set(ids);
      const perUser = new Map<string, ChatEventView[]>();
      for (const { u, e } of chunk) {
        const events = fresh ? e.filter((v) => fresh.delete(v.id)) : e;
        if (events.length === 0) continue;
        const list = perUser.get(u);
        if (list) list.push(...events);
        else perUser.set(u, [...events]); // not the batch's own array: it is appended to
        shown.push(...events);
      }
      for (const [userId, events] of perUser) this.events.emit('chat.events', { userId, events });
    }
    return shown;
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

/** One writer's queue: batches in arrival order, and the drain working on them. */
interface Lane {
  queue: Batch[];
  queued: number;
  flushing?: Promise<void>;
}

/** The writer a streamer's events go to: always the same one. */
export function writerLane(userId: string): number {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (Math.imul(h, 31) + userId.charCodeAt(i)) | 0;
  return (h >>> 0) % WRITER_LANES;
}

/** A monitor's events as dashboards get them, with their ids. */
function toBatch(userId: string, broadcastId: string | null, events: NormalizedChatEvent[]): Batch {
  return { u: userId, b: broadcastId, e: events.map((e) => toEventView(userId, e)) };
}

function toEventView(userId: string, e: NormalizedChatEvent): ChatEventView {
  return {
    id: chatEventId(userId, e.platform, e.platformMessageId),
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

/** The end of the batches from `from` that hold at most `maxRows` events (at least one batch). */
function takeUntil(batches: Batch[], from: number, maxRows: number): number {
  let rows = 0;
  let to = from;
  while (to < batches.length && (to === from || rows + batches[to].e.length <= maxRows)) {
    rows += batches[to].e.length;
    to += 1;
  }
  return to;
}

function rowsOf(batches: Batch[]): number {
  return batches.reduce((n, b) => n + b.e.length, 0);
}

const CANONICAL_ISO =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * The platform's timestamp as `toISOString` writes it, which is what platforms mostly
 * send already: then it is only checked, without parsing a Date (JavaScript rolls
 * 30 February over into March, PostgreSQL refuses it). A bad one must not make the whole
 * batch unstorable: it becomes now. So does a year PostgreSQL cannot take or that
 * `toISOString` writes in another shape (0000, or beyond 9999).
 */
function canonicalIso(iso: string): string {
  if (CANONICAL_ISO.test(iso)) {
    const year = Number(iso.slice(0, 4));
    if (year >= 1 && Number(iso.slice(8, 10)) <= daysInMonth(year, Number(iso.slice(5, 7))))
      return iso;
  }
  const at = new Date(iso);
  const year = at.getUTCFullYear(); // NaN for an invalid date
  return (year >= 1 && year <= 9999 ? at : new Date()).toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
