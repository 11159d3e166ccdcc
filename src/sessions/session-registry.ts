import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BroadcastEntity } from '../broadcasts/entities/broadcast.entity';
import { OutputsService } from '../broadcasts/outputs.service';
import { ChatMonitorsService } from '../chat/chat-monitors.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiError } from '../common/errors/api-error';
import { EventBus } from '../events/event-bus';
import { MetricsService } from '../metrics/metrics.service';
import { IngestService } from '../streams/ingest.service';
import type { SessionEntity } from './entities/session.entity';
import type { Platform } from '../platforms/platform';
import { createSessionMachine, SessionMachine, TopState } from './machine/session.machine';
import { InputObserver } from './input-observer';
import { ReconcileService } from './reconcile.service';
import { SessionActor } from './session-actor';
import { SessionStore } from './session.store';
import { NotOwnerError } from '../cluster/not-owner.error';
import { OwnershipService } from '../cluster/ownership.service';
import { DatabaseHealthIndicator } from '../health/database-health.indicator';
import { ProviderHealthIndicator } from '../health/provider-health.indicator';
import { RestartIntensity } from './supervision/restart-intensity';

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

  private async recover(): Promise<void> {
    const rows = await this.store.listToRecover().catch((err: unknown) => {
      this.logger.error(
        { err },
        'Could not list sessions to recover; the failover scan will pick them up',
      );
      return [];
    });
    if (rows.length > 0) this.logger.log(`Recovering ${rows.length} session(s) through reconcile`);
    let done = 0;
    await this.inLanes(rows, async (stored) => {
      await this.activateOnce(stored.userId, () => this.spawn(stored)).catch((err: unknown) => {
        // Owned by another live node: it is that node's to run.
        if (!(err instanceof NotOwnerError))
          this.logger.error({ err, userId: stored.userId }, 'Recovery failed');
      });
      done += 1;
      this.recoveryProblem = `recovering sessions (${done}/${rows.length})`;
    });
    this.recoveryProblem = undefined;
    if (rows.length > 0) this.logger.log(`Recovered ${rows.length} session(s)`);
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
      return this.spawn(await this.store.ensure(userId));
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

  all(): SessionActor[] {
    return [...this.actors.values()];
  }

  /**
   * Ops: stop the actor and start it again through reconcile. Outputs are left alone.
   * Without the database nothing is stopped (the restart would leave no actor at all).
   */
  async restart(userId: string): Promise<SessionActor> {
    await this.store.clearFailure(userId);
    const stored = await this.store.ensure(userId);
    const actor = this.actors.get(userId);
    if (actor) {
      this.actors.delete(userId);
      await actor.stop();
    }
    return this.spawn(stored);
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

  private async spawn(stored: SessionEntity): Promise<SessionActor> {
    const claim = await this.ownership.claim(stored.userId);
    if (!claim.owned) throw new NotOwnerError(stored.userId, claim.ownerNode, claim.ownerUrl);
    // Read again after claiming: the previous owner may have written since `stored` was read.
    const row = (await this.store.find(stored.userId)) ?? stored;
    row.ownerNode = this.ownership.nodeId;
    row.ownerEpoch = claim.epoch;
    const plan = await this.reconciler.plan(row);
    if (plan.providerKnown) row.lastReconciledAt = new Date();
    const broadcast = row.broadcastId
      ? await this.broadcasts.findOneBy({ id: row.broadcastId })
      : null;
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
    if (plan.removeStrays) {
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
      const lost = await this.ownership.renew([...this.actors.keys()]);
      for (const userId of lost) await this.drop(userId, 'lease lost');
    } catch (err) {
      this.ownership.noteDatabaseTrouble();
      // Actors keep running and their writes queue. Leases may run out meanwhile; they
      // are renewed as soon as the database answers again (the renewal only needs
      // owner_node to still be this node), and the epoch fences this node if another one
      // claimed a session in between.
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
      await this.inLanes(await this.ownership.orphans(), async (userId) => {
        if (this.actors.has(userId) || this.actors.size >= this.config.session.maxConcurrentUsers)
          return;
        await this.get(userId).catch((err: unknown) => {
          if (!(err instanceof NotOwnerError))
            this.logger.warn({ err, userId }, 'Failover claim failed');
        });
      });
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
    const queue = [...items];
    await Promise.all(
      Array.from({ length: Math.min(16, queue.length) }, async () => {
        for (
          let item = queue.shift();
          item !== undefined && !this.shuttingDown;
          item = queue.shift()
        )
          await work(item);
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
