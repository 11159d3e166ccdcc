import fc from 'fast-check';
import { createActor } from 'xstate';
import type { SessionEntity } from '../../src/sessions/entities/session.entity';
import type { InputObserver } from '../../src/sessions/input-observer';
import type { InputObservation } from '../../src/sessions/machine/input-status';
import {
  SessionContext,
  SessionEvent,
  TOP_STATES,
  TopState,
} from '../../src/sessions/machine/session.machine';
import { ReconcileService } from '../../src/sessions/reconcile.service';
import { SessionActor, subOf, topOf } from '../../src/sessions/session-actor';
import {
  Command,
  commandArb,
  eventOf,
  GONE_STATUSES,
  isLiveStatus,
  LIVE_STATUSES,
  WOBBLING_STATUSES,
} from './session-commands';
import { CLEANUP_MAX_MS, GRACE_MS, SessionWorld } from './session-world';
import { LoggedTransition, logProblems } from './transition-rules';

// Seeded so a failure is reproducible; fast-check prints the seed and the shrunk case.
const SEED = Number(process.env.PROPERTY_SEED ?? 20240611);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const commands = fc.array(commandArb, { minLength: 1, maxLength: 60 });

/** What the checks need from whatever is being driven: the bare machine or a SessionActor. */
interface Driven {
  send(event: SessionEvent): void;
  top(): TopState;
  sub(): string | null;
  context(): SessionContext;
  /** Top-level transitions in the order the actor reported them. */
  log: (LoggedTransition & { byResume: boolean })[];
  initial: TopState;
  stop(): void | Promise<void>;
  /** Waits until what the last step changed is in the log (a SessionActor logs on write). */
  settle?(): Promise<void>;
}

/**
 * Drives `commands` into `d`, checking every invariant after every step, then lets the
 * provider answer and checks that the session settles within bounded clock time.
 */
async function drive(world: SessionWorld, d: Driven, cmds: Command[]): Promise<void> {
  let current: Command | undefined;
  const fail = (msg: string) => {
    throw new Error(`${msg}\n  after ${JSON.stringify(current)}\n  log ${JSON.stringify(d.log)}`);
  };
  const step = async (c: Command) => {
    current = c;
    const before = { top: d.top(), sub: d.sub(), grace: d.context().graceEndsAt };
    const logged = d.log.length;
    const event = eventOf(c, world.clock.now());
    if (event) d.send(event);
    if (c.kind === 'advance') world.clock.increment(c.ms);
    if (c.kind === 'providers') {
      world.startOutcome = c.startOutcome;
      world.cleanupFails = c.cleanupFails;
    }
    if (c.kind === 'flush') await world.flush();
    await d.settle?.();
    check(before, logged, c);
  };
  const check = (
    before: { top: TopState; sub: string | null; grace: number | null },
    logged: number,
    c: Command,
  ) => {
    const top = d.top();
    const sub = d.sub();
    const ctx = d.context();
    if (!(TOP_STATES as readonly string[]).includes(top)) fail(`top level ${top} is not a state`);
    if (world.outputs.size > 0 && top !== 'streaming' && top !== 'ending')
      fail(`outputs ${[...world.outputs].join(',')} exist while ${top}`);
    const problems = logProblems(d.log, d.initial, top, (i) => d.log[i].byResume);
    if (problems.length > 0) fail(`transition log: ${problems.join('; ')}`);
    if (before.top !== top && d.log.length === logged)
      fail(`${before.top} -> ${top} happened without a transition`);
    if (before.top === 'streaming' && before.sub === 'inputLost' && isLiveStatus(c)) {
      if (top !== 'streaming' || sub !== 'live')
        fail(`a reconnect inside the grace left the session ${top}.${sub}`);
    }
    for (const t of d.log.slice(logged)) {
      if (
        t.reason === 'disconnect-timeout' &&
        (before.grace === null || world.clock.now() < before.grace)
      )
        fail(`ended by disconnect-timeout before the grace deadline ${before.grace}`);
    }
    // A known-gone encoder must be counting down (streaming) or mean offline (ready).
    if (ctx.input.gone && sub === 'live') fail('streaming.live while the input is gone');
    if (ctx.input.gone && top === 'ready' && sub === 'idle') fail('ready while the input is gone');
  };

  try {
    // The actor as it came up (recovery may already have moved it).
    check({ top: d.initial, sub: null, grace: null }, 0, { kind: 'flush' });
    for (const c of cmds) await step(c);
    // The providers answer again: whatever was going on must wind down, bounded in clock time.
    await step({ kind: 'providers', startOutcome: 'all', cleanupFails: false });
    for (let i = 0; i < 4; i++) {
      await step({ kind: 'flush' });
      if (d.top() === 'streaming') await step({ kind: 'stop' });
      if (d.top() === 'ending') await step({ kind: 'advance', ms: CLEANUP_MAX_MS });
    }
    const top = d.top();
    if (top !== 'offline' && top !== 'ready') fail(`did not settle: still ${top}.${d.sub()}`);
    if (world.outputs.size > 0) fail(`outputs left after settling: ${[...world.outputs]}`);
  } finally {
    await d.stop();
  }
}

function bareMachine(world: SessionWorld): Driven {
  const actor = createActor(world.machine, { input: { userId: 'u1' }, clock: world.clock });
  const log: Driven['log'] = [];
  let last: TopState = 'offline';
  let resuming = false;
  actor.subscribe((s) => {
    const top = topOf(s.value);
    if (top !== last)
      log.push({ from: last, to: top, reason: s.context.change.reason, byResume: resuming });
    last = top;
  });
  actor.start();
  return {
    send: (e) => {
      resuming = e.type === 'RESUME';
      actor.send(e);
      resuming = false;
    },
    top: () => topOf(actor.getSnapshot().value),
    sub: () => subOf(actor.getSnapshot().value),
    context: () => actor.getSnapshot().context,
    log,
    initial: 'offline',
    stop: () => void actor.stop(),
  };
}

const STORED: { state: TopState; substate: string | null }[] = [
  { state: 'offline', substate: null },
  { state: 'ready', substate: 'idle' },
  { state: 'ready', substate: 'starting' },
  { state: 'streaming', substate: 'live' },
  { state: 'streaming', substate: 'inputLost' },
  { state: 'ending', substate: 'cleaning' },
  { state: 'ending', substate: 'retrying' },
];
const anyStatus = fc.constantFrom<string | null>(
  ...LIVE_STATUSES,
  ...GONE_STATUSES,
  ...WOBBLING_STATUSES,
);
type RecoveryCase = typeof recovery extends fc.Arbitrary<infer T> ? T : never;
const recovery = fc.record({
  stored: fc.constantFrom(...STORED),
  storedStatus: anyStatus,
  observed: fc.oneof(
    anyStatus.map((status) => ({ status, missing: false })),
    fc.constant({ status: null, missing: true }),
  ),
  graceLeftMs: fc.integer({ min: 0, max: GRACE_MS }),
  cleanupAttempts: fc.integer({ min: 0, max: 6 }),
});

/**
 * A SessionActor brought back after a crash exactly as SessionRegistry.spawn does: the
 * stored row goes through ReconcileService.plan against the provider's answer, then the
 * actor starts at the planned resume target. Its log is what the app persists.
 */
async function recoveredActor(world: SessionWorld, r: RecoveryCase): Promise<Driven> {
  const at = new Date(world.clock.now()).toISOString();
  const observation: InputObservation = { ...r.observed, at, source: 'cloudflare' };
  const observer = { observe: async () => observation } as unknown as InputObserver;
  const holdsBroadcast =
    r.stored.state === 'streaming' ||
    r.stored.state === 'ending' ||
    r.stored.substate === 'starting';
  const row: SessionEntity = {
    userId: 'u1',
    state: r.stored.state,
    substate: r.stored.substate,
    stateSince: new Date(0),
    active: true,
    ownerNode: 'old',
    leaseExpiresAt: null,
    ownerEpoch: '1',
    inputStatus: r.storedStatus,
    inputLastSeenAt: null,
    graceEndsAt:
      r.stored.substate === 'inputLost' ? new Date(world.clock.now() + r.graceLeftMs) : null,
    broadcastId: holdsBroadcast ? '00000000-0000-4000-8000-00000000000b' : null,
    endReason: r.stored.state === 'ending' ? 'stop' : null,
    cleanupAttempts: r.stored.state === 'ending' ? r.cleanupAttempts : 0,
    failedReason: null,
    lastReconciledAt: null,
    version: 1,
    updatedAt: new Date(0),
  };
  // Outputs of a broadcast that was live (or ending) when the process died are still there.
  if (r.stored.state === 'streaming' || r.stored.state === 'ending') world.outputs.add('twitch');
  const plan = await new ReconcileService(observer).plan(row);
  const log: Driven['log'] = [];
  let resuming = false;
  const actor = new SessionActor(
    'u1',
    row,
    world.machine,
    {
      userId: 'u1',
      input: plan.input,
      broadcastId: plan.resume ? row.broadcastId : null,
      platforms: ['twitch'],
      title: 'T',
      graceEndsAt:
        plan.resume === 'streaming.inputLost' ? (row.graceEndsAt?.getTime() ?? null) : null,
      endReason: row.endReason,
      cleanupAttempts: row.cleanupAttempts,
    },
    {
      // The log is what the app persists, recorded as each write is made.
      persist: async (_row, t) => {
        if (t) log.push({ from: t.from, to: t.to, reason: t.reason, byResume: resuming });
      },
      fenced: () => undefined,
      transitioned: () => undefined,
      changed: () => undefined,
      escalate: () => undefined,
      inputMissing: () => undefined,
    },
    'node-test',
    world.clock,
  );
  actor.start(plan.resume); // not byResume: recovery itself must log only the six edges
  return {
    send: (e) => {
      resuming = e.type === 'RESUME';
      actor.send(e);
    },
    settle: async () => {
      await actor.flush();
      resuming = false;
    },
    top: () => actor.state,
    sub: () => actor.substate,
    context: () => actor.snapshot.context,
    log,
    initial: row.state,
    stop: () => actor.stop(),
  };
}

describe('session machine under random event sequences (property-based)', () => {
  it('keeps its invariants after every step of any event sequence from offline', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const world = new SessionWorld();
        await drive(world, bareMachine(world), cmds);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps them for a SessionActor recovered from any stored state through reconcile', async () => {
    await fc.assert(
      fc.asyncProperty(recovery, commands, async (r, cmds) => {
        const world = new SessionWorld();
        await drive(world, await recoveredActor(world, r), cmds);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
