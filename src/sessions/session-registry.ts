import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BroadcastEntity } from '../broadcasts/entities/broadcast.entity';
import { OutputsService } from '../broadcasts/outputs.service';
import { ChatMonitorsService } from '../chat/chat-monitors.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiError } from '../common/errors/api-error';
import { EventBus } from '../events/event-bus';
import { MetricsService } from '../metrics/metrics.service';
import { IngestService } from '../streams/ingest.service';
import type { StreamEntity } from '../streams/entities/stream.entity';
import type { SessionEntity } from './entities/session.entity';
import type { Platform } from '../platforms/platform';
import { createSessionMachine, SessionMachine, TopState } from './machine/session.machine';
import { InputObserver } from './input-observer';
import { ReconcilePlan, ReconcileService } from './reconcile.service';
import { SessionActor } from './session-actor';
import { SessionStore } from './session.store';
import { NotOwnerError } from '../cluster/not-owner.error';
import { OwnershipService } from '../cluster/ownership.service';
import { isDatabaseUnavailable } from '../database/database-errors';
import { DatabaseHealthIndicator } from '../health/database-health.indicator';
import { ProviderHealthIndicator } from '../health/provider-health.indicator';
import { RestartIntensity } from './supervision/restart-intensity';

/** Sessions claimed and read together when many resume at once (recovery, failover). */
const RESUME_BATCH = 500;

/** Recovery order: what has outputs at stake first (ending, streaming, starting), then the rest. */
function recoveryPriority(s: { state: TopState; substate: string | null }): number {
  if (s.state === 'ending') return 0;
  if (s.state === 'streaming') return 1;
  if (s.substate === 'starting') return 2;
  return 3;
}

/** A session claimed by this node, with what its actor needs, read in one batch. */
interface Claimed {
  row: SessionEntity;
  epoch: string;
  stream: StreamEntity | null;
  broadcast: BroadcastEntity | null;
  /** Outputs may exist on the provider (an unremoved intent is recorded). */
  openOutputs: boolean;
}

/** A session resumed from its stored state, still to be verified against the provider. */
interface Resumed {
  actor: SessionActor;
  epoch: string;
  stream: StreamEntity | null;
  openOutputs: boolean;
}

/**
 * One actor per signed-in user on this node. Activates on login or on demand (API call,
 * webhook), passivates idle offline sessions, brings every unfinished session back at
 * start-up through reconcile, and on shutdown stops actors without ending any stream.
 */
@Injectable()
export class SessionRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRegistry.name);
  private readonly actors = new Map<string, SessionActor>();
  private readonly activating = new Map<string, Promise<SessionActor>>();
  /** Session-level escalations (reconcile + restart) per user, before marking it failed. */
  private readonly escalations = new Map<string, RestartIntensity>();
  private readonly machine: SessionMachine;
  private sweeper?: NodeJS.Timeout;
  private leaseTimer?: NodeJS.Timeout;
  private failoverTimer?: NodeJS.Timeout;
  private shuttingDown = false;
  /** An orphan scan is claiming sessions (scans run every LEASE_TTL / 2 and must not overlap). */
  private adopting = false;
  /** Verification of adopted batches, chained. `verify` never rejects. */
  private verifying: Promise<void> = Promise.resolve();
  /** Resumed sessions not yet checked against the provider (the sessions_unverified gauge). */
  private unverified = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: SessionStore,
    private readonly reconciler: ReconcileService,
    private readonly outputs: OutputsService,
    private readonly ingest: IngestService,
    private readonly observer: InputObserver,
    private readonly chatMonitors: ChatMonitorsService,
    private readonly events: EventBus,
    private readonly metrics: MetricsService,
    private readonly ownership: OwnershipService,
    private readonly health: ProviderHealthIndicator,
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    databaseHealth: DatabaseHealthIndicator,
  ) {
    const s = config.session;
    metrics.sessionCounts = () => this.countByState();
    metrics.sessionsUnverified = () => this.unverified;
    databaseHealth.registerBacklog({ name: 'sessions', queued: () => this.unsavedWrites() });
    this.machine = createSessionMachine({
      now: () => Date.now(),
      graceMs: s.disconnectGraceMs,
      cleanupRetryBaseMs: s.cleanupRetryBaseMs,
      cleanupRetryMaxMs: Math.max(s.cleanupRetryBaseMs, 60_000),
      supervisor: {
        maxRestarts: config.supervisor.maxRestarts,
        windowMs: config.supervisor.restartWindowMs,
        backoffMs: config.supervisor.restartBackoffMs,
      },
      startOutputs: (a) => this.outputs.start(a),
      cleanup: (a) => this.outputs.cleanup(a),
      pollInput: (userId) => this.observer.observe(userId),
      pollDelayMs: (a) => this.observer.pollDelayMs({ ...a, sessions: this.actors.size }),
      runOutputManager: (a, signal) => this.runOutputManager(a.userId, a.broadcastId, signal),
      runPlatformMonitor: (a, signal) =>
        this.chatMonitors.run(a, signal, {
          state: (chat) => this.withActor(a.userId, (actor) => actor.chat.set(a.platform, chat)),
          viewers: (count) =>
            this.withActor(a.userId, (actor) => actor.viewers.set(a.platform, count)),
        }),
      childStatus: (userId, status) =>
        this.withActor(userId, (actor) => actor.children.set(status.name, status), false),
      platformFailed: (userId, platform, error) => {
        this.logger.warn(
          { userId, platform, error },
          'Platform monitor gave up after repeated failures',
        );
        this.withActor(userId, (actor) => actor.chat.set(platform, 'failed'));
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ownership.heartbeat();
    // Recovery runs in the background: the node answers /health/live at once, and
    // /health/ready says "recovering" until every session is back.
    this.health.register({ name: 'sessions', problem: () => this.recoveryProblem });
    void this.recover(); // stops spawning once shutdown has begun
    this.sweeper = setInterval(
      () => void this.passivateIdle(),
      Math.min(30_000, this.config.session.idleTimeoutMs),
    );
    this.sweeper.unref();
    const ttl = this.ownership.leaseTtlMs;
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(200, ttl / 3));
    this.leaseTimer.unref();
    this.failoverTimer = setInterval(() => void this.adoptOrphans(), Math.max(200, ttl / 2));
    this.failoverTimer.unref();
  }

  private recoveryProblem: string | undefined = 'recovering sessions';

  /**
   * Brings back every unfinished or signed-in session this node may own, in two steps.
   * First every session is resident again, from its stored state, in batches (one claim and
   * one read per batch): webhooks and commands reach their actors within seconds of a
   * restart. Then each one is verified against the provider, the ones with the most at
   * stake first, within its share of the Cloudflare budget (see `verify`).
   */
  private async recover(): Promise<void> {
    const rows = await this.ownership.recoverable().catch((err: unknown) => {
      this.logger.error(
        { err },
        'Could not list sessions to recover; the failover scan will pick them up',
      );
      return [];
    });
    if (rows.length > 0) this.logger.log(`Recovering ${rows.length} session(s) through reconcile`);
    rows.sort((a, b) => recoveryPriority(a) - recoveryPriority(b));
    const resumed: Resumed[] = [];
    for (let i = 0; i < rows.length && !this.shuttingDown; i += RESUME_BATCH) {
      const batch = rows.slice(i, i + RESUME_BATCH).map((r) => r.userId);
      resumed.push(...(await this.resumeMany(batch)));
      this.recoveryProblem = `recovering sessions (${Math.min(i + RESUME_BATCH, rows.length)}/${rows.length})`;
    }
    this.recoveryProblem = undefined;
    if (rows.length > 0)
      this.logger.log(
        `Recovered ${resumed.length} session(s) from their stored state; verifying them with the provider`,
      );
    if (resumed.length < rows.length)
      this.logger.warn(
        {
          notResumed: rows.length - resumed.length,
          maxConcurrentUsers: this.config.session.maxConcurrentUsers,
        },
        'Some sessions were not resumed here: claimed by another live node, beyond MAX_CONCURRENT_USERS, or failed (see the warnings above); the orphan scans take them over',
      );
    await this.verify(resumed);
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.sweeper);
    clearInterval(this.leaseTimer);
    clearInterval(this.failoverTimer);
    // Stop actors and persist; never end a stream. Releasing the leases lets another node
    // (or this one, restarted) resume them at once.
    const userIds = [...this.actors.keys()];
    await Promise.all([...this.actors.values()].map((a) => a.stop()));
    const unsaved = [...this.actors.values()].filter((a) => a.unsavedWrites > 0);
    if (unsaved.length > 0)
      this.logger.error(
        {
          sessions: unsaved.map((a) => ({ userId: a.userId, unsavedWrites: a.unsavedWrites })),
        },
        'Shutting down with session writes the database never took; reconcile restores the state on restart, these transitions are not in the log',
      );
    this.actors.clear();
    await this.ownership
      .release(userIds)
      .catch((err: unknown) => this.logger.warn({ err }, 'Leases not released'));
    await this.ownership.leaveCluster();
  }

  /** Login hook: idempotent. Provisions the ingest on first use. */
  async activate(userId: string): Promise<SessionActor> {
    await this.ingest.ensureProvisioned(userId);
    const actor = await this.get(userId);
    if (!actor.record.active) {
      actor.record.active = true;
      await this.store.setActive(userId, true);
    }
    return actor;
  }

  /** Logout: never stops a session that is streaming or ending; it passivates once offline. */
  async deactivate(
    userId: string,
  ): Promise<{ actor: SessionActor | undefined; keptRunning: boolean }> {
    await this.store.setActive(userId, false);
    const actor = this.actors.get(userId);
    if (!actor) return { actor, keptRunning: false };
    actor.record.active = false;
    if (actor.state === 'streaming' || actor.state === 'ending' || actor.substate === 'starting') {
      return { actor, keptRunning: true };
    }
    await this.passivate(userId);
    return { actor, keptRunning: false };
  }

  /** The actor for a user, activating it on demand from its stored state. */
  async get(userId: string): Promise<SessionActor> {
    const existing = this.actors.get(userId);
    if (existing) {
      existing.lastActivityAt = Date.now();
      return existing;
    }
    return this.activateOnce(userId, async () => {
      await this.makeRoom();
      await this.store.ensure(userId);
      return this.spawn(userId);
    });
  }

  /** Concurrent activations of one user (API, webhook, recovery) share one spawn. */
  private activateOnce(userId: string, spawn: () => Promise<SessionActor>): Promise<SessionActor> {
    const existing = this.actors.get(userId);
    if (existing) return Promise.resolve(existing);
    const pending = this.activating.get(userId);
    if (pending) return pending;
    const work = spawn().finally(() => this.activating.delete(userId));
    this.activating.set(userId, work);
    return work;
  }

  peek(userId: string): SessionActor | undefined {
    return this.actors.get(userId);
  }

  /**
   * The session's actor wherever it is decided: the resident one, else the stored session
   * activated here. Throws NotOwnerError when another node runs it (the request is then
   * forwarded there), so a check of its state never passes for want of a local actor.
   * Undefined for a user who never had a session.
   */
  async existing(userId: string): Promise<SessionActor | undefined> {
    const resident = this.actors.get(userId);
    if (resident) return resident;
    return (await this.store.find(userId)) ? this.get(userId) : undefined;
  }

  all(): SessionActor[] {
    return [...this.actors.values()];
  }

  /**
   * Ops: stop the actor and start it again through reconcile. Outputs are left alone.
   * Without the database nothing is stopped (the restart would leave no actor at all).
   */
  async restart(userId: string): Promise<SessionActor> {
    await this.store.clearFailure(userId);
    await this.store.ensure(userId);
    await this.activating.get(userId)?.catch(() => undefined);
    // Registered as activating for the whole stop-and-spawn: a webhook or request for this
    // user meanwhile waits for the new actor instead of spawning (and claiming) a second one.
    const work = (async () => {
      const actor = this.actors.get(userId);
      if (actor) {
        this.actors.delete(userId);
        await actor.stop();
      }
      return this.spawn(userId);
    })().finally(() => this.activating.delete(userId));
    this.activating.set(userId, work);
    return work;
  }

  count(): number {
    return this.actors.size;
  }

  /** Session writes (state and transitions) queued on this node, waiting for the database. */
  unsavedWrites(): number {
    let n = 0;
    for (const a of this.actors.values()) n += a.unsavedWrites;
    return n;
  }

  /** One session, claimed and reconciled with the provider before its actor starts. */
  private async spawn(userId: string): Promise<SessionActor> {
    const claimed = (await this.claimAll([userId])).get(userId);
    if (!claimed) {
      const owner = await this.ownership.ownerOf(userId);
      throw new NotOwnerError(userId, owner.ownerNode, owner.ownerUrl);
    }
    const plan = await this.reconciler.plan(claimed.row, claimed.stream);
    const actor = this.launch(claimed, plan);
    if (plan.providerKnown) void this.markReconciled([{ actor, epoch: claimed.epoch }]);
    return actor;
  }

  /**
   * Claims sessions in one statement and reads what their actors need (rows, ingests,
   * broadcasts, whether outputs may exist) in one query each. Only the claimed ones are
   * returned. The rows are read after claiming: a previous owner may have written since.
   */
  private async claimAll(userIds: string[]): Promise<Map<string, Claimed>> {
    const epochs = await this.ownership.claimMany(userIds);
    const owned = [...epochs.keys()];
    const [rows, streams, open] = await Promise.all([
      this.store.findMany(owned),
      this.ingest.findMany(owned),
      this.outputs.usersWithOpenOutputs(owned),
    ]);
    const broadcastIds = rows.flatMap((r) => (r.broadcastId ? [r.broadcastId] : []));
    const broadcasts = new Map(
      (broadcastIds.length > 0 ? await this.broadcasts.findBy({ id: In(broadcastIds) }) : []).map(
        (b) => [b.id, b],
      ),
    );
    return new Map(
      rows.map((row) => [
        row.userId,
        {
          row,
          epoch: epochs.get(row.userId)!,
          stream: streams.get(row.userId) ?? null,
          broadcast: row.broadcastId ? (broadcasts.get(row.broadcastId) ?? null) : null,
          openOutputs: open.has(row.userId),
        },
      ]),
    );
  }

  /**
   * Recovery and failover: claims the sessions of `userIds` that are not resident yet and
   * starts each from its stored state (no provider call). Returns the ones started, for
   * `verify`. Concurrent activations of the same users wait for this batch.
   */
  private async resumeMany(userIds: string[]): Promise<Resumed[]> {
    const room = Math.max(0, this.config.session.maxConcurrentUsers - this.actors.size);
    const ids = userIds
      .filter((id) => !this.actors.has(id) && !this.activating.has(id))
      .slice(0, room);
    if (ids.length === 0 || this.shuttingDown) return [];
    // Registered as activating before the claim is sent: a request for one of these users
    // meanwhile waits for this batch instead of claiming (and fencing) it a second time.
    const claimed = this.claimAll(ids);
    const resumed: Resumed[] = [];
    await Promise.all(
      ids.map((userId) =>
        this.activateOnce(userId, async () => {
          const c = (await claimed).get(userId);
          if (!c) return this.spawn(userId); // owned elsewhere: NotOwnerError, with its owner
          const actor = this.launch(c, this.reconciler.decide(c.row));
          resumed.push({ actor, epoch: c.epoch, stream: c.stream, openOutputs: c.openOutputs });
          return actor;
        }).catch((err: unknown) => {
          // A database outage is reported once for the batch, below.
          if (!(err instanceof NotOwnerError) && !isDatabaseUnavailable(err))
            this.logger.warn({ err, userId }, 'Session could not be resumed');
        }),
      ),
    );
    await claimed.catch((err: unknown) => {
      this.ownership.noteDatabaseTrouble();
      this.logger.warn({ err, sessions: ids.length }, 'Sessions could not be claimed; will retry');
    });
    return resumed;
  }

  /**
   * Checks resumed sessions against the provider, 16 at a time: the input's status moves
   * each actor to match (as a poll would), and outputs left on a session that is not
   * streaming are removed. Stops once half of the Cloudflare budget's window is used; the
   * rest are verified by their input monitors' polls, which the budget paces.
   */
  private async verify(resumed: Resumed[]): Promise<void> {
    if (resumed.length === 0) return;
    const startedAt = Date.now();
    let verified: { actor: SessionActor; epoch: string }[] = [];
    let skipped = 0;
    let reading = 0;
    let left = resumed.length;
    this.unverified += left;
    await this.inLanes(resumed, async ({ actor, epoch, stream, openOutputs }) => {
      try {
        if (actor.stopped || this.actors.get(actor.userId) !== actor) return;
        if (!this.observer.canAffordVerification(reading)) {
          skipped += 1;
          return;
        }
        reading += 1;
        const observation = await this.observer
          .observe(actor.userId, stream)
          // The batch's ingest row may predate a rotation (on any node) whose old input is
          // gone: "missing" is only believed from a fresh read, or it would re-provision.
          .then((o) => (o.missing && stream ? this.observer.observe(actor.userId) : o))
          .finally(() => (reading -= 1));
        actor.send({ type: 'INPUT', observation });
        const busy =
          actor.state === 'streaming' || actor.state === 'ending' || actor.substate === 'starting';
        if (openOutputs && !busy) await this.outputs.removeStrays(actor.userId);
        verified.push({ actor, epoch });
        if (verified.length >= RESUME_BATCH) {
          const batch = verified;
          verified = [];
          await this.markReconciled(batch);
        }
      } catch (err) {
        this.logger.warn(
          { err, userId: actor.userId },
          'Provider unreachable while verifying a resumed session; its input monitor will',
        );
      } finally {
        left -= 1;
        this.unverified -= 1;
      }
    });
    this.unverified -= left; // not reached before shutdown
    await this.markReconciled(verified);
    const took = ((Date.now() - startedAt) / 1000).toFixed(1);
    if (skipped > 0)
      this.logger.warn(
        `${skipped} resumed session(s) not verified: half of the Cloudflare budget is used; their input monitors verify them as the budget allows`,
      );
    else this.logger.log(`Verified ${resumed.length} resumed session(s) in ${took} s`);
  }

  private async markReconciled(sessions: { actor: SessionActor; epoch: string }[]): Promise<void> {
    if (sessions.length === 0) return;
    const at = new Date();
    for (const { actor } of sessions) actor.record.lastReconciledAt = at;
    await this.store
      .markReconciled(
        this.ownership.nodeId,
        sessions.map(({ actor, epoch }) => ({ userId: actor.userId, epoch })),
        at,
      )
      .catch((err: unknown) => this.logger.debug({ err }, 'Reconcile time not saved'));
  }

  /** Starts the actor of a claimed session where `plan` says it belongs. */
  private launch(claimed: Claimed, plan: ReconcilePlan): SessionActor {
    const { row, broadcast } = claimed;
    row.ownerNode = this.ownership.nodeId;
    row.ownerEpoch = claimed.epoch;
    const actor = new SessionActor(
      row.userId,
      row,
      this.machine,
      {
        userId: row.userId,
        input: plan.input,
        broadcastId: plan.resume ? row.broadcastId : null,
        platforms: broadcast?.platforms ?? [],
        title: broadcast?.title ?? '',
        graceEndsAt:
          plan.resume === 'streaming.inputLost' ? (row.graceEndsAt?.getTime() ?? null) : null,
        endReason: row.endReason,
        cleanupAttempts: row.cleanupAttempts,
      },
      {
        persist: (r, t) => this.store.save(r, t),
        fenced: (userId) => void this.drop(userId, 'another node claimed it'),
        transitioned: (userId, t) => {
          this.metrics.transitions.inc({ from: t.from, to: t.to });
          this.events.emit('session.transition', { userId, ...t, at: t.at.toISOString() });
        },
        changed: (userId) => this.events.emit('session.changed', { userId }),
        escalate: (userId, child, error) =>
          void this.escalate(userId, child, error).catch((err: unknown) =>
            this.logger.error(
              { err, userId, child, error },
              'Escalation could not be handled (is the database reachable?); the session keeps running',
            ),
          ),
        inputMissing: (userId) => void this.onInputMissing(userId),
      },
      this.config.nodeId,
    );
    this.actors.set(row.userId, actor);
    actor.start(plan.resume);
    if (plan.removeStrays && claimed.openOutputs) {
      // Outputs exist only while streaming or ending; anything else is a leak from a crash.
      void this.outputs
        .removeStrays(row.userId)
        .catch((err: unknown) => this.logger.warn({ err }, 'Stray output removal failed'));
    }
    return actor;
  }

  private async escalate(userId: string, child: string, error: string): Promise<void> {
    if (this.shuttingDown) return;
    const s = this.config.supervisor;
    let intensity = this.escalations.get(userId);
    if (!intensity) {
      intensity = new RestartIntensity(s.maxRestarts, s.restartWindowMs * 6, Date.now);
      this.escalations.set(userId, intensity);
    }
    if (intensity.allowRestart()) {
      this.logger.warn(
        { userId, child, error },
        'Child exceeded its restart intensity; reconciling and restarting the session',
      );
      await this.restart(userId);
      return;
    }
    this.logger.error({ userId, child, error }, 'Session keeps failing; marking it failed for ops');
    const actor = this.actors.get(userId);
    if (actor) {
      actor.markFailed(`${child}: ${error}`);
      this.events.emit('session.changed', { userId });
    }
  }

  private async onInputMissing(userId: string): Promise<void> {
    try {
      await this.ingest.reprovision(userId);
      this.events.emit('session.changed', { userId });
    } catch (err) {
      this.logger.warn(
        { err, userId },
        'Re-provisioning the live input failed; will retry on the next poll',
      );
    }
  }

  private async runOutputManager(
    userId: string,
    broadcastId: string,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      // Verifying lists the input's outputs: it may use a quarter of the account budget
      // (polling has half), so the interval stretches with the number of sessions.
      const floor = this.observer.budgetFloorMs(this.actors.size, 0.25);
      await abortableDelay(Math.max(this.config.session.reconcileIntervalMs, floor), signal);
      if (signal.aborted) return;
      await this.outputs.verify(userId, broadcastId);
    }
  }

  /** Renews this node's leases; a session whose lease was lost is dropped without a write. */
  private async renewLeases(): Promise<void> {
    try {
      // While recovering, the sessions it owned before a restart are not running yet.
      const recovering = this.recoveryProblem !== undefined;
      const lost = await this.ownership.renew(
        [...this.actors.keys()],
        (userId) => recovering || this.actors.has(userId) || this.activating.has(userId),
      );
      for (const userId of lost) await this.drop(userId, 'lease lost');
    } catch (err) {
      this.ownership.noteDatabaseTrouble();
      // Actors keep running and their writes queue. Leases may lapse meanwhile (no
      // heartbeat gets through); the next heartbeat after the database is back keeps them
      // again (owner_node is still this node), and the epoch fences this node if another
      // one claimed a session in between.
      this.logger.warn({ err }, 'Lease renewal failed; will retry');
    }
  }

  /**
   * Failover: claim sessions whose owner stopped renewing (a dead node), and resume them.
   * Paused right after this node's own database trouble (see OwnershipService
   * `takeoverPaused`): the owners get time to renew before anything counts as orphaned.
   */
  private async adoptOrphans(): Promise<void> {
    if (this.shuttingDown || this.adopting) return;
    if (this.ownership.takeoverPaused()) return;
    this.adopting = true;
    try {
      // Batch after batch until none is left (or none could be claimed: the other
      // survivors took them), not one batch per scan: a dead node's thousands of
      // sessions would otherwise wait scan after scan.
      let taken = 0;
      while (!this.shuttingDown && this.actors.size < this.config.session.maxConcurrentUsers) {
        const orphans = await this.ownership.orphans(RESUME_BATCH);
        const resumed = await this.resumeMany(orphans);
        if (resumed.length === 0) break;
        taken += resumed.length;
        // In the background (a slow provider must not hold up adoption), one batch after
        // the other: verification keeps its 16 lanes however many batches there are.
        this.verifying = this.verifying.then(() => this.verify(resumed));
      }
      if (taken > 0)
        this.logger.log(`Took over ${taken} session(s) from a node that stopped renewing`);
    } catch (err) {
      this.ownership.noteDatabaseTrouble();
      this.logger.debug({ err }, 'Orphan scan failed; will retry');
    } finally {
      this.adopting = false;
    }
  }

  /**
   * Runs `work` for every item, 16 at a time, until shutdown begins: recovery and failover
   * fast, without a thundering herd on the provider or the database.
   */
  private async inLanes<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
    // An index, not queue.shift(): shifting a 10,000-item array item by item showed up as
    // 2 % of the CPU of a 10,000-session recovery.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(16, items.length) }, async () => {
        while (next < items.length && !this.shuttingDown) await work(items[next++]);
      }),
    );
  }

  /** Stops a local actor that is no longer ours, without touching the session. */
  private async drop(userId: string, why: string): Promise<void> {
    const actor = this.actors.get(userId);
    if (!actor) return;
    this.logger.warn({ userId, why }, 'Session is owned elsewhere now; stopping the local actor');
    this.actors.delete(userId);
    await actor.stop();
  }

  /**
   * Stops an offline actor and releases its lease. Not while its writes are still queued
   * (the database is down or just came back): releasing would fence the queue's writes.
   */
  private async passivate(userId: string): Promise<void> {
    const actor = this.actors.get(userId);
    if (!actor || actor.unsavedWrites > 0) return;
    this.actors.delete(userId);
    await actor.stop();
    await this.ownership.release([userId]).catch(() => undefined);
  }

  private async passivateIdle(): Promise<void> {
    const cutoff = Date.now() - this.config.session.idleTimeoutMs;
    for (const actor of this.actors.values()) {
      if (actor.state === 'offline' && actor.lastActivityAt < cutoff)
        await this.passivate(actor.userId);
    }
  }

  /** MAX_CONCURRENT_USERS: passivate the longest-idle offline session, else refuse. */
  private async makeRoom(): Promise<void> {
    if (this.actors.size < this.config.session.maxConcurrentUsers) return;
    const idle = [...this.actors.values()]
      .filter((a) => a.state === 'offline' && a.unsavedWrites === 0)
      .sort((a, b) => a.lastActivityAt - b.lastActivityAt)[0];
    if (!idle)
      throw ApiError.unavailable(
        'CAPACITY',
        'This node is at its session capacity; try again later',
      );
    await this.passivate(idle.userId);
  }

  private onViewers(userId: string, broadcastId: string, platform: Platform, count: number): void {
    const actor = this.actors.get(userId);
    if (!actor || actor.viewers.get(platform) === count) return;
    actor.viewers.set(platform, count);
    this.events.emit('session.viewers', { userId, platform, count, at: new Date().toISOString() });
    const total = [...actor.viewers.values()].reduce((a, b) => a + b, 0);
    void this.broadcasts
      .createQueryBuilder()
      .update()
      .set({ peakViewers: () => `GREATEST(peak_viewers, ${Math.floor(total)})` })
      .where('id = :id', { id: broadcastId })
      .execute()
      .catch((err: unknown) => this.logger.debug({ err, userId }, 'Peak viewers not saved'));
  }

  private withActor(userId: string, fn: (a: SessionActor) => void, notify = true): void {
    const actor = this.actors.get(userId);
    if (!actor) return;
    fn(actor);
    if (notify) this.events.emit('session.changed', { userId });
  }

  /** For the sessions_active gauge, computed at scrape time (never on the hot path). */
  private countByState(): Record<TopState, number> {
    const counts: Record<TopState, number> = { offline: 0, ready: 0, streaming: 0, ending: 0 };
    for (const a of this.actors.values()) counts[a.state] += 1;
    return counts;
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
