import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { TopState } from '../sessions/machine/session.machine';

/** TypeORM's postgres driver answers UPDATE … RETURNING with `[rows, affected]`. */
function rowsOf<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}

/** A session that needs an owner at all: unfinished, or its streamer is signed in. */
const NEEDS_OWNER = "(state <> 'offline' OR active)";

/**
 * What a renewal learns, computed by the database so that only the differences come back
 * (reading all of a node's rows was a 10,000-row result to parse every LEASE_TTL/3, a
 * 50 ms stall on the webhook path): sessions of `$2` (the ids this node runs, as JSON)
 * that it no longer owns, and sessions it owns that are not among them, with their epoch.
 */
const OWNERSHIP_DIFF = `
  WITH held AS (SELECT value AS user_id FROM json_array_elements_text($2::json))
  SELECT json_build_object(
    'lost', (SELECT coalesce(json_agg(h.user_id), '[]') FROM held h
              WHERE NOT EXISTS (SELECT 1 FROM sessions s
                                 WHERE s.user_id = h.user_id AND s.owner_node = $1)),
    'unheld', (SELECT coalesce(json_agg(json_build_array(s.user_id, s.owner_epoch)), '[]')
                 FROM sessions s
                WHERE s.owner_node = $1
                  AND NOT EXISTS (SELECT 1 FROM held h WHERE h.user_id = s.user_id))
  ) AS diff`;

export type ClaimResult =
  { owned: true; epoch: string } | { owned: false; ownerNode: string; ownerUrl: string | null };

/**
 * Who owns which session, coordinated through PostgreSQL leases: a node claims a session
 * atomically when it is unowned, its own, or its lease has lapsed; the epoch bumped by
 * each claim fences off a stale owner.
 *
 * A session's lease holds while its owner node heartbeats (one row in `nodes` every
 * LEASE_TTL / 3), or until the expiry its claim set (one TTL, the claimer's grace before
 * its first heartbeat). Renewing every session's row instead cost an UPDATE of all of
 * them per renewal: 3,000 row versions a second at 10,000 sessions, and row locks that
 * held up the sessions' own writes behind it.
 */
@Injectable()
export class OwnershipService {
  private readonly logger = new Logger(OwnershipService.name);
  readonly nodeId: string;
  private readonly ttlSeconds: number;
  private readonly url: string;
  /** SQL: nobody keeps this session's lease (its claim expired and its node is silent). */
  private readonly lapsed: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.nodeId = config.nodeId;
    this.ttlSeconds = config.cluster.leaseTtlMs / 1000;
    // A number from the configuration, so it can be part of the statement text.
    this.lapsed = `((lease_expires_at IS NULL OR lease_expires_at < now()) AND NOT EXISTS (
      SELECT 1 FROM nodes n WHERE n.node_id = sessions.owner_node
         AND n.heartbeat_at > now() - make_interval(secs => ${Number(this.ttlSeconds)})))`;
    this.url = config.cluster.nodeUrl ?? `http://127.0.0.1:${config.http.port}`;
  }

  get leaseTtlMs(): number {
    return this.ttlSeconds * 1000;
  }

  private databaseTroubleAt = 0;

  /** This node could not reach the database (a lease renewal or a scan failed). */
  noteDatabaseTrouble(): void {
    this.databaseTroubleAt = Date.now();
  }

  /**
   * Within two lease TTLs after this node's own database trouble, it takes over no session
   * of another node, however expired the lease looks: the database was most likely away
   * for everyone, every lease expired meanwhile, and the owners need a moment to renew
   * (and flush the writes they queued; a chaos run saw renewals delayed by more than one
   * TTL behind the retried writes). Taking over at once, for an orphan scan or for a
   * request that happened to land here, would fence a live owner and drop its queue.
   */
  takeoverPaused(now = Date.now()): boolean {
    return now - this.databaseTroubleAt < 2 * this.leaseTtlMs;
  }

  /**
   * Other nodes that heartbeated within a TTL, as of this node's last heartbeat: known
   * before the node accepts a socket (it heartbeats on start), so a node alone can skip
   * the work that only other nodes' dashboards would see.
   */
  peers = 0;

  /** Announces this node (and its URL, for forwarded commands); called on every renewal too. */
  async heartbeat(url = this.url): Promise<void> {
    const [{ peers }] = (await this.db.query(
      `WITH beat AS (
         INSERT INTO nodes (node_id, url, heartbeat_at) VALUES ($1, $2, now())
         ON CONFLICT (node_id) DO UPDATE SET url = EXCLUDED.url, heartbeat_at = now()
       )
       SELECT count(*)::int AS peers FROM nodes
        WHERE node_id <> $1 AND heartbeat_at > now() - make_interval(secs => $3)`,
      [this.nodeId, url, this.ttlSeconds],
    )) as [{ peers: number }];
    this.peers = peers;
  }

  async claim(userId: string): Promise<ClaimResult> {
    const epoch = (await this.claimMany([userId])).get(userId);
    if (epoch !== undefined) return { owned: true, epoch };
    return { owned: false, ...(await this.ownerOf(userId)) };
  }

  /** Who holds a session, and where to forward its commands. */
  async ownerOf(userId: string): Promise<{ ownerNode: string; ownerUrl: string | null }> {
    const owner: { owner_node: string | null; url: string | null }[] = await this.db.query(
      `SELECT s.owner_node, n.url FROM sessions s LEFT JOIN nodes n ON n.node_id = s.owner_node WHERE s.user_id = $1`,
      [userId],
    );
    return { ownerNode: owner[0]?.owner_node ?? 'unknown', ownerUrl: owner[0]?.url ?? null };
  }

  /**
   * Claims every session of `userIds` that is unowned, this node's, or (unless takeovers
   * are paused) whose lease lapsed, in one statement. Returns the new epoch of each one
   * claimed; the others are owned by a live node.
   */
  async claimMany(userIds: string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows: { user_id: string; owner_epoch: string }[] = await this.db
      .query(
        `UPDATE sessions SET owner_node = $2, owner_epoch = owner_epoch + 1,
              lease_expires_at = now() + make_interval(secs => $3)
        WHERE user_id = ANY($1::text[]) AND (owner_node IS NULL OR owner_node = $2 OR
              ($4 AND ${this.lapsed}))
        RETURNING user_id, owner_epoch`,
        [userIds, this.nodeId, this.ttlSeconds, !this.takeoverPaused()],
      )
      .then(rowsOf<{ user_id: string; owner_epoch: string }>);
    return new Map(rows.map((r) => [r.user_id, String(r.owner_epoch)]));
  }

  /**
   * Keeps every lease of this node (its heartbeat) and reads which sessions it owns.
   * Returns those of `held` that another node took. A session it owns but does not hold
   * (`isHeld` false: a release that failed) is released, epoch-checked: behind a live
   * node's heartbeat it would otherwise stay unsupervised for as long as the node lives.
   */
  async renew(held: string[], isHeld: (userId: string) => boolean): Promise<string[]> {
    await this.heartbeat();
    const [{ diff }] = (await this.db.query(OWNERSHIP_DIFF, [
      this.nodeId,
      JSON.stringify(held),
    ])) as [{ diff: { lost: string[]; unheld: [string, string | number][] } }];
    const strays = diff.unheld.filter(([userId]) => !isHeld(userId));
    if (strays.length > 0) {
      this.logger.warn(
        { sessions: strays.length },
        'Releasing sessions this node owned without running them',
      );
      await this.db.query(
        `UPDATE sessions s SET owner_node = NULL, lease_expires_at = NULL
           FROM unnest($2::text[], $3::bigint[]) AS c(user_id, epoch)
          WHERE s.user_id = c.user_id AND s.owner_node = $1 AND s.owner_epoch = c.epoch`,
        [this.nodeId, strays.map(([userId]) => userId), strays.map(([, epoch]) => String(epoch))],
      );
    }
    return diff.lost;
  }

  async release(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db.query(
      `UPDATE sessions SET owner_node = NULL, lease_expires_at = NULL WHERE owner_node = $1 AND user_id = ANY($2::text[])`,
      [this.nodeId, userIds],
    );
  }

  async leaveCluster(): Promise<void> {
    await this.db
      .query('DELETE FROM nodes WHERE node_id = $1', [this.nodeId])
      .catch((err: unknown) => {
        this.logger.debug({ err }, 'Node record not removed');
      });
  }

  /** Sessions that need an owner: unfinished or signed in, and unowned or with a lapsed lease. */
  async orphans(limit = 500): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db.query(
      `SELECT user_id FROM sessions
        WHERE ${NEEDS_OWNER} AND (owner_node IS NULL OR ${this.lapsed})
        ORDER BY random() LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.user_id);
  }

  /**
   * Sessions to bring back when this node starts: the orphans, and the ones it held
   * itself before it stopped (same NODE_ID), whatever their lease says. With their state,
   * so the most consequential can go first.
   */
  async recoverable(): Promise<{ userId: string; state: TopState; substate: string | null }[]> {
    const rows: { user_id: string; state: TopState; substate: string | null }[] =
      await this.db.query(
        `SELECT user_id, state, substate FROM sessions
          WHERE ${NEEDS_OWNER} AND (owner_node IS NULL OR owner_node = $1 OR ${this.lapsed})`,
        [this.nodeId],
      );
    return rows.map((r) => ({ userId: r.user_id, state: r.state, substate: r.substate }));
  }
}
