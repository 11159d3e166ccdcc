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

/** A lease nobody renews any more (its owner died, or never had one). */
const LEASE_EXPIRED = '(lease_expires_at IS NULL OR lease_expires_at < now())';
/** A session that needs an owner at all: unfinished, or its streamer is signed in. */
const NEEDS_OWNER = "(state <> 'offline' OR active)";

export type ClaimResult =
  { owned: true; epoch: string } | { owned: false; ownerNode: string; ownerUrl: string | null };

/**
 * Who owns which session, coordinated through PostgreSQL leases: a node claims a session
 * atomically when it is unowned, its own, or its lease has expired; it renews all its
 * leases in one statement; the epoch bumped by each claim fences off a stale owner.
 */
@Injectable()
export class OwnershipService {
  private readonly logger = new Logger(OwnershipService.name);
  readonly nodeId: string;
  private readonly ttlSeconds: number;
  private readonly url: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.nodeId = config.nodeId;
    this.ttlSeconds = config.cluster.leaseTtlMs / 1000;
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

  /** Announces this node (and its URL, for forwarded commands); called on every renewal too. */
  async heartbeat(url = this.url): Promise<void> {
    await this.db.query(
      `INSERT INTO nodes (node_id, url, heartbeat_at) VALUES ($1, $2, now())
       ON CONFLICT (node_id) DO UPDATE SET url = EXCLUDED.url, heartbeat_at = now()`,
      [this.nodeId, url],
    );
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
   * are paused) whose lease expired, in one statement. Returns the new epoch of each one
   * claimed; the others are owned by a live node.
   */
  async claimMany(userIds: string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows: { user_id: string; owner_epoch: string }[] = await this.db
      .query(
        `UPDATE sessions SET owner_node = $2, owner_epoch = owner_epoch + 1,
              lease_expires_at = now() + make_interval(secs => $3)
        WHERE user_id = ANY($1::text[]) AND (owner_node IS NULL OR owner_node = $2 OR
              ($4 AND ${LEASE_EXPIRED}))
        RETURNING user_id, owner_epoch`,
        [userIds, this.nodeId, this.ttlSeconds, !this.takeoverPaused()],
      )
      .then(rowsOf<{ user_id: string; owner_epoch: string }>);
    return new Map(rows.map((r) => [r.user_id, String(r.owner_epoch)]));
  }

  /** Renews every lease this node holds; returns the user ids it turned out to have lost. */
  async renew(userIds: string[]): Promise<string[]> {
    await this.heartbeat();
    if (userIds.length === 0) return [];
    const kept: { user_id: string }[] = await this.db
      .query(
        `UPDATE sessions SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE owner_node = $1 AND user_id = ANY($2::text[]) RETURNING user_id`,
        [this.nodeId, userIds, this.ttlSeconds],
      )
      .then(rowsOf<{ user_id: string }>);
    const keptSet = new Set(kept.map((k) => k.user_id));
    return userIds.filter((u) => !keptSet.has(u));
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

  /** Sessions that need an owner: unfinished or signed in, and unowned or with an expired lease. */
  async orphans(limit = 500): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db.query(
      `SELECT user_id FROM sessions
        WHERE ${NEEDS_OWNER} AND (owner_node IS NULL OR ${LEASE_EXPIRED})
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
          WHERE ${NEEDS_OWNER} AND (owner_node IS NULL OR owner_node = $1 OR ${LEASE_EXPIRED})`,
        [this.nodeId],
      );
    return rows.map((r) => ({ userId: r.user_id, state: r.state, substate: r.substate }));
  }
}
