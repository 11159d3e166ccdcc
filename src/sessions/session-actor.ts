import { Logger } from '@nestjs/common';
import { Actor, ActorOptions, createActor, SnapshotFrom } from 'xstate';
import type { Platform } from '../platforms/platform';
import { FencedError } from '../cluster/not-owner.error';
import type { SessionEntity } from './entities/session.entity';
import type {
  ResumeTarget,
  SessionEvent,
  SessionInput,
  SessionMachine,
  TopState,
} from './machine/session.machine';
import type { ChatState } from './session.view';
import type { TransitionRecord } from './session.store';
import type { ChildStatus } from './supervision/supervisor';

export interface SessionActorHooks {
  persist(row: SessionEntity, transition?: TransitionRecord): Promise<void>;
  /** Another node owns the session now: this actor must stop without writing anything. */
  fenced(userId: string): void;
  /**
   * A transition is in the log: dashboards are told only what the log holds, so a crash,
   * a database outage or a takeover between the change and its write never shows them a
   * transition that history then lacks.
   */
  transitioned(userId: string, t: TransitionRecord): void;
  changed(userId: string): void;
  escalate(userId: string, child: string, error: string): void;
  inputMissing(userId: string): void;
}

type Snapshot = SnapshotFrom<SessionMachine>;

interface QueuedWrite {
  row: SessionEntity;
  transition?: TransitionRecord;
}

export function topOf(value: Snapshot['value']): TopState {
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as TopState;
}

/** What a session write records: a snapshot with the same key as the last write is not saved again. */
function stateKey(
  top: TopState,
  sub: string | null,
  inputStatus: string | null,
  graceEndsAt: number | null,
  broadcastId: string | null,
  cleanupAttempts: number,
): string {
  return JSON.stringify([top, sub, inputStatus, graceEndsAt, broadcastId, cleanupAttempts]);
}

export function subOf(value: Snapshot['value']): string | null {
  if (typeof value === 'string') return null;
  const inner = Object.values(value)[0];
  return typeof inner === 'string' ? inner : null;
}

/**
 * One streamer's live session: the XState actor plus what must survive it. Every snapshot
 * change is mirrored into the session row, and every top-level change is appended to the
 * transition log, in order, through a write queue that keeps retrying while the database
 * is unreachable (the actor itself never waits for the database). Each queued write
 * carries the row version it creates, so a write retried after its commit was lost in
 * transit (the database went away mid-acknowledgement) is recognised and not repeated.
 */
export class SessionActor {
  private readonly logger = new Logger('SessionActor');
  private readonly actor: Actor<SessionMachine>;
  private readonly pending: QueuedWrite[] = [];
  private flushing?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  /** Consecutive failed writes, for the retry backoff. */
  private failures = 0;
  private lastTop: TopState;
  private lastKey: string;
  /**
   * The snapshot's state, kept as each snapshot arrives: read on every request, view and
   * metrics scrape (a scrape during a 10,000-session recovery walked every snapshot's value).
   */
  private top: TopState;
  private sub: string | null;
  readonly children = new Map<string, ChildStatus>();
  readonly chat = new Map<Platform, ChatState>();
  readonly viewers = new Map<Platform, number>();
  lastActivityAt = Date.now();
  stopped = false;
  private booting = false;

  constructor(
    readonly userId: string,
    private row: SessionEntity,
    machine: SessionMachine,
    input: SessionInput,
    private readonly hooks: SessionActorHooks,
    private readonly nodeId: string,
    /** XState's clock for the machine's delays; tests pass a SimulatedClock. */
    clock?: ActorOptions<SessionMachine>['clock'],
  ) {
    this.actor = createActor(machine, {
      input,
      systemId: `session:${userId}`,
      ...(clock ? { clock } : {}), // an explicit undefined would replace XState's default clock
    });
    this.lastTop = 'offline';
    this.lastKey = '';
    const initial = this.actor.getSnapshot();
    this.top = topOf(initial.value);
    this.sub = subOf(initial.value);
    this.actor.on('escalate', (e) => this.hooks.escalate(userId, e.child, e.error));
    this.actor.on('input-missing', () => this.hooks.inputMissing(userId));
    this.actor.subscribe({
      next: (s) => this.onSnapshot(s),
      error: (err) =>
        this.hooks.escalate(userId, 'session', err instanceof Error ? err.message : String(err)),
    });
  }

  /** Starts the actor; `resume` puts it back where reconcile decided it belongs. */
  start(resume?: ResumeTarget): void {
    // The log continues from the stored state. The machine always boots in `offline` and
    // RESUME moves it on; those boot snapshots are not transitions (recording them logged a
    // bogus `streaming -> offline -> streaming` on every recovery), so only the settled
    // snapshot is compared with the stored state (which also records `ready -> offline`
    // when the encoder went away while the process was down).
    this.lastTop = this.row.state;
    // A resume that lands exactly where the row says writes nothing (a recovery of
    // thousands of sessions would otherwise rewrite every row unchanged).
    const r = this.row;
    this.lastKey = stateKey(
      r.state,
      r.substate,
      r.inputStatus,
      r.graceEndsAt?.getTime() ?? null,
      r.broadcastId,
      r.cleanupAttempts,
    );
    this.booting = true;
    try {
      this.actor.start();
      if (resume) this.actor.send({ type: 'RESUME', to: resume });
    } finally {
      this.booting = false;
    }
    this.onSnapshot(this.actor.getSnapshot());
  }

  send(event: SessionEvent): void {
    this.lastActivityAt = Date.now();
    this.actor.send(event);
  }

  get snapshot(): Snapshot {
    return this.actor.getSnapshot();
  }

  get state(): TopState {
    return this.top;
  }

  get substate(): string | null {
    return this.sub;
  }

  get record(): SessionEntity {
    return this.row;
  }

  /** Stops the actor without ending anything: state is in Postgres, streams keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.actor.stop();
    await this.flush();
  }

  /** Waits for every queued write (or gives up after `timeoutMs`, leaving them queued). */
  async flush(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length > 0 && Date.now() < deadline) {
      await this.drain();
      if (this.pending.length > 0) await new Promise((r) => setTimeout(r, 100));
    }
  }

  get unsavedWrites(): number {
    return this.pending.length;
  }

  /** Ops: the session keeps failing. Saved through the queue, in order with the transitions. */
  markFailed(reason: string): void {
    this.enqueue({ ...this.row, failedReason: reason });
  }

  private enqueue(row: SessionEntity, transition?: TransitionRecord): void {
    row.version = this.row.version + 1;
    this.row = row;
    this.pending.push({ row: { ...row }, transition });
    void this.drain();
  }

  private onSnapshot(s: Snapshot): void {
    const top = topOf(s.value);
    const sub = subOf(s.value);
    this.top = top;
    this.sub = sub;
    if (this.booting) return;
    const ctx = s.context;
    const key = stateKey(
      top,
      sub,
      ctx.input.status,
      ctx.graceEndsAt,
      ctx.broadcastId,
      ctx.cleanupAttempts,
    );
    if (key === this.lastKey && top === this.lastTop) return;
    this.lastKey = key;
    const now = new Date();
    const row: SessionEntity = {
      ...this.row,
      state: top,
      substate: sub,
      stateSince: top !== this.lastTop ? now : this.row.stateSince,
      ownerNode: this.nodeId,
      inputStatus: ctx.input.status,
      inputLastSeenAt: ctx.input.at ? new Date(ctx.input.at) : this.row.inputLastSeenAt,
      graceEndsAt: ctx.graceEndsAt ? new Date(ctx.graceEndsAt) : null,
      broadcastId: ctx.broadcastId,
      endReason: ctx.endReason,
      cleanupAttempts: ctx.cleanupAttempts,
    };
    let transition: TransitionRecord | undefined;
    if (top !== this.lastTop) {
      transition = {
        from: this.lastTop,
        to: top,
        reason: ctx.change.reason,
        by: ctx.change.by,
        at: now,
      };
      this.lastTop = top;
    }
    this.enqueue(row, transition);
    this.hooks.changed(this.userId);
  }

  private announce(write: QueuedWrite): void {
    if (write.transition) this.hooks.transitioned(this.userId, write.transition);
  }

  private drain(): Promise<void> {
    // Cleared in a `.finally` attached after the assignment: a run with nothing queued
    // settles synchronously, and clearing inside it would leave a stale promise behind
    // that no later write ever gets past.
    this.flushing ??= this.writeQueued().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeQueued(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const next = this.pending[0];
        await this.hooks.persist(next.row, next.transition);
        this.pending.shift();
        this.failures = 0;
        this.announce(next);
      }
    } catch (err) {
      if (err instanceof FencedError) {
        // Another node claimed the session (our lease ran out and it could not wait any
        // longer): writing would overwrite the new owner's state, so nothing more is
        // written from here. The new owner reconciled with the provider's truth; what
        // this node saw meanwhile is kept in the log output rather than lost silently.
        const lost = this.pending.flatMap((p) => (p.transition ? [p.transition] : []));
        if (lost.length > 0)
          this.logger.error(
            { userId: this.userId, transitions: lost },
            'Session was claimed by another node before these transitions were saved; not writing them as a stale owner',
          );
        this.pending.length = 0;
        this.hooks.fenced(this.userId);
        return;
      }
      this.logger.warn(
        { err, userId: this.userId, queued: this.pending.length },
        'Session write failed; will retry',
      );
      // Not announced meanwhile: if another node has to take the session over before the
      // database is back, these writes are fenced, and dashboards must not have been shown
      // transitions that the log will never hold. Retries back off (1, 2, 4, 5 s, with
      // jitter) so that thousands of queued actors do not crowd out the lease renewals
      // when the database returns.
      this.failures += 1;
      const delay = Math.min(5000, 1000 * 2 ** (this.failures - 1)) * (0.75 + Math.random() / 2);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.drain(), delay);
      this.retryTimer.unref();
    }
  }
}
