import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { SessionTransitionEntity, TransitionActor } from './entities/session-transition.entity';
import { SessionEntity } from './entities/session.entity';
import { FencedError } from '../cluster/not-owner.error';
import type { TopState } from './machine/session.machine';

export interface TransitionRecord {
  from: TopState;
  to: TopState;
  reason: string;
  by: TransitionActor;
  at: Date;
}

/** Durable half of the session actors: the session row and its append-only transition log. */
/**
 * The fenced, idempotent session write (see SessionStore.save): the row only while this
 * node owns the session with its epoch and the version is new; the transition only when
 * there is one and the row was written.
 */
const SAVE_SESSION = `
  WITH updated AS (
    UPDATE sessions SET
      state = $5, substate = $6, state_since = $7, input_status = $8, input_last_seen_at = $9,
      grace_ends_at = $10, broadcast_id = $11, end_reason = $12, cleanup_attempts = $13,
      failed_reason = $14, last_reconciled_at = $15, version = $4, updated_at = $16
    WHERE user_id = $1 AND owner_node = $2 AND owner_epoch = $3::bigint AND version < $4
    RETURNING user_id
  ), logged AS (
    INSERT INTO session_transitions (user_id, "from", "to", reason, by, broadcast_id, at)
    SELECT $1, $17, $18, $19, $20, $11, $21 FROM updated WHERE $17::text IS NOT NULL
    RETURNING id
  )
  SELECT (SELECT count(*) FROM updated) AS updated, (SELECT count(*) FROM logged) AS logged`;

@Injectable()
export class SessionStore {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectRepository(SessionTransitionEntity)
    private readonly transitions: Repository<SessionTransitionEntity>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  find(userId: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ userId });
  }

  findMany(userIds: string[]): Promise<SessionEntity[]> {
    return userIds.length === 0
      ? Promise.resolve([])
      : this.sessions.findBy({ userId: In(userIds) });
  }

  async ensure(userId: string): Promise<SessionEntity> {
    await this.sessions
      .createQueryBuilder()
      .insert()
      .values({ userId, state: 'offline', stateSince: new Date(), active: false })
      .orIgnore()
      .execute();
    return this.sessions.findOneByOrFail({ userId });
  }

  /**
   * Saves the row and, when the top-level state changed, its transition, atomically, but
   * only while this node still owns the session with the epoch it claimed: a stale owner
   * (its lease expired and another node claimed it) gets FencedError and writes nothing.
   * `active` is the user's own flag (setActive) and the lease columns are the ownership
   * service's, so neither is written here.
   *
   * `row.version` is the version this write creates (the stored one plus one per write the
   * owner queued). A write whose version is already stored by the same owner is a retry of
   * one that committed after all (the connection dropped before the acknowledgement): it
   * is skipped, so a database restart never duplicates a transition.
   */
  async save(row: SessionEntity, transition?: TransitionRecord): Promise<void> {
    row.updatedAt = new Date();
    // One statement (atomic on its own): the row and its transition in one round trip, on
    // the path of every webhook to the dashboards.
    const result: { updated: string }[] = await this.db.query(SAVE_SESSION, [
      row.userId,
      row.ownerNode,
      row.ownerEpoch,
      row.version,
      row.state,
      row.substate,
      row.stateSince,
      row.inputStatus,
      row.inputLastSeenAt,
      row.graceEndsAt,
      row.broadcastId,
      row.endReason,
      row.cleanupAttempts,
      row.failedReason,
      row.lastReconciledAt,
      row.updatedAt,
      transition?.from ?? null,
      transition?.to ?? null,
      transition?.reason ?? null,
      transition?.by ?? null,
      transition?.at ?? null,
    ]);
    if (Number(result[0]?.updated ?? 0) > 0) return;
    const stored: { owner_node: string | null; owner_epoch: string; version: number }[] =
      await this.db.query(
        'SELECT owner_node, owner_epoch, version FROM sessions WHERE user_id = $1',
        [row.userId],
      );
    const current = stored[0];
    const alreadySaved =
      current !== undefined &&
      current.owner_node === row.ownerNode &&
      String(current.owner_epoch) === String(row.ownerEpoch) &&
      current.version >= row.version;
    if (!alreadySaved) throw new FencedError(row.userId);
  }

  /** Ops restart: the session gets a fresh chance (the next escalations start from zero). */
  async clearFailure(userId: string): Promise<void> {
    await this.sessions.update({ userId }, { failedReason: null });
  }

  async setActive(userId: string, active: boolean): Promise<void> {
    await this.sessions.update({ userId }, { active });
  }

  /**
   * Records that these sessions were just checked against the provider, for the ones this
   * node still owns with the epoch given (one statement for a whole batch).
   */
  async markReconciled(
    nodeId: string,
    sessions: { userId: string; epoch: string }[],
    at: Date,
  ): Promise<void> {
    if (sessions.length === 0) return;
    await this.db.query(
      `UPDATE sessions s SET last_reconciled_at = $3
        FROM unnest($1::text[], $2::bigint[]) AS c(user_id, epoch)
        WHERE s.user_id = c.user_id AND s.owner_node = $4 AND s.owner_epoch = c.epoch`,
      [sessions.map((x) => x.userId), sessions.map((x) => x.epoch), at, nodeId],
    );
  }

  list(filter: { state?: TopState }): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: filter.state ? { state: filter.state } : {},
      order: { updatedAt: 'DESC' },
      take: 5000,
    });
  }

  recentTransitions(userId: string, limit = 100): Promise<SessionTransitionEntity[]> {
    return this.transitions.find({ where: { userId }, order: { id: 'DESC' }, take: limit });
  }
}
