import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Not, Repository } from 'typeorm';
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
    await this.db.transaction(async (tx) => {
      const result = await tx
        .getRepository(SessionEntity)
        .createQueryBuilder()
        .update()
        .set({
          state: row.state,
          substate: row.substate,
          stateSince: row.stateSince,
          inputStatus: row.inputStatus,
          inputLastSeenAt: row.inputLastSeenAt,
          graceEndsAt: row.graceEndsAt,
          broadcastId: row.broadcastId,
          endReason: row.endReason,
          cleanupAttempts: row.cleanupAttempts,
          failedReason: row.failedReason,
          lastReconciledAt: row.lastReconciledAt,
          version: row.version,
          updatedAt: row.updatedAt,
        })
        .where(
          'user_id = :userId AND owner_node = :node AND owner_epoch = :epoch AND version < :version',
          {
            userId: row.userId,
            node: row.ownerNode,
            epoch: row.ownerEpoch,
            version: row.version,
          },
        )
        .execute();
      if (!result.affected) {
        const stored: { owner_node: string | null; owner_epoch: string; version: number }[] =
          await tx.query(
            'SELECT owner_node, owner_epoch, version FROM sessions WHERE user_id = $1',
            [row.userId],
          );
        const current = stored[0];
        const alreadySaved =
          current !== undefined &&
          current.owner_node === row.ownerNode &&
          String(current.owner_epoch) === String(row.ownerEpoch) &&
          current.version >= row.version;
        if (alreadySaved) return;
        throw new FencedError(row.userId);
      }
      if (transition) {
        await tx.getRepository(SessionTransitionEntity).insert({
          userId: row.userId,
          from: transition.from,
          to: transition.to,
          reason: transition.reason,
          by: transition.by,
          broadcastId: row.broadcastId,
          at: transition.at,
        });
      }
    });
  }

  /** Ops restart: the session gets a fresh chance (the next escalations start from zero). */
  async clearFailure(userId: string): Promise<void> {
    await this.sessions.update({ userId }, { failedReason: null });
  }

  async setActive(userId: string, active: boolean): Promise<void> {
    await this.sessions.update({ userId }, { active });
  }

  /** Sessions to bring back at start-up: every one that is not offline, or is signed in. */
  listToRecover(): Promise<SessionEntity[]> {
    return this.sessions.find({ where: [{ state: Not('offline') }, { active: true }] });
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
