import { Injectable } from '@nestjs/common';
import { OutputsService } from '../broadcasts/outputs.service';
import { ApiError } from '../common/errors/api-error';
import { ReconcileService } from '../sessions/reconcile.service';
import { SessionRegistry } from '../sessions/session-registry';
import { SessionStore } from '../sessions/session.store';
import { SessionViewService } from '../sessions/session-view.service';
import { SessionsService } from '../sessions/sessions.service';
import type { TopState } from '../sessions/machine/session.machine';

/** Ops views and repairs. Every repair goes through reconcile; each is audited by the controller. */
@Injectable()
export class OpsService {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly store: SessionStore,
    private readonly views: SessionViewService,
    private readonly sessions: SessionsService,
    private readonly reconciler: ReconcileService,
    private readonly outputs: OutputsService,
  ) {}

  async list(filter: { state?: TopState; stuck?: boolean }) {
    const rows = await this.store.list({ state: filter.state });
    const now = Date.now();
    const items = rows.map((stored) => {
      const actor = this.registry.peek(stored.userId);
      const row = actor?.record ?? stored;
      const stuckReason = this.views.stuckReason(row, actor, now);
      return {
        userId: row.userId,
        state: row.state,
        substate: row.substate,
        stateSince: row.stateSince.toISOString(),
        timeInStateMs: now - row.stateSince.getTime(),
        ownerNode: actor ? row.ownerNode : null,
        resident: Boolean(actor),
        active: row.active,
        children: actor ? [...actor.children.values()] : [],
        stuck: stuckReason !== null,
        stuckReason,
        /** Last time the provider's truth was read for it (null: never). */
        lastReconciledAt: row.lastReconciledAt?.toISOString() ?? null,
      };
    });
    return filter.stuck ? items.filter((i) => i.stuck) : items;
  }

  async inspect(userId: string) {
    const actor = this.registry.peek(userId);
    const row = actor?.record ?? (await this.store.find(userId));
    if (!row) throw ApiError.notFound('SESSION_NOT_FOUND', `No session for user ${userId}`);
    const [view, transitions] = await Promise.all([
      this.views.build(row, actor),
      this.store.recentTransitions(userId, 100),
    ]);
    return {
      ...view,
      ownerNode: actor ? row.ownerNode : null,
      resident: Boolean(actor),
      stuckReason: this.views.stuckReason(row, actor),
      children: actor ? [...actor.children.values()] : [],
      transitions: transitions.map((t) => ({
        from: t.from,
        to: t.to,
        reason: t.reason,
        by: t.by,
        at: t.at.toISOString(),
      })),
    };
  }

  /** "Fix status": read the provider's truth and move the actor to match. */
  async reconcile(userId: string) {
    await this.requireSession(userId);
    const actor = await this.registry.get(userId);
    const plan = await this.reconciler.plan(actor.record);
    if (!plan.observation)
      throw ApiError.unavailable(
        'PROVIDER_UNAVAILABLE',
        'The ingest provider could not be read; nothing changed',
      );
    actor.send({ type: 'INPUT', observation: plan.observation });
    let strayOutputsRemoved = 0;
    if (actor.state === 'streaming' && actor.snapshot.context.broadcastId) {
      await this.outputs.verify(userId, actor.snapshot.context.broadcastId);
    } else if (actor.state !== 'ending' && actor.substate !== 'starting') {
      strayOutputsRemoved = await this.outputs.removeStrays(userId);
    }
    return {
      inputStatus: plan.observation.status,
      state: actor.state,
      substate: actor.substate,
      strayOutputsRemoved,
    };
  }

  async restart(userId: string) {
    await this.requireSession(userId);
    const actor = await this.registry.restart(userId);
    return { state: actor.state, substate: actor.substate };
  }

  async forceStop(userId: string) {
    await this.requireSession(userId);
    const actor = await this.sessions.forceStop(userId);
    return { state: actor.state, substate: actor.substate };
  }

  private async requireSession(userId: string): Promise<void> {
    if (!this.registry.peek(userId) && !(await this.store.find(userId))) {
      throw ApiError.notFound('SESSION_NOT_FOUND', `No session for user ${userId}`);
    }
  }
}
