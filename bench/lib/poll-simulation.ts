import { ManualClock, RequestBudget } from '../../libs/cloudflare';
import type { TopState } from '../../src/sessions/machine/session.machine';
import { EventQueue } from './event-queue';
import { exponential, seededRandom } from '../../test/helpers/seeded-random';

export type PollPolicy = (args: {
  phase: 'changing' | 'stable';
  state: TopState;
  sessions: number;
}) => number;

export interface ChurnModel {
  /** Mean time offline before the encoder connects. */
  offlineMeanMs: number;
  /** Mean time ready (connected, not started) before Start. */
  readyMeanMs: number;
  /** Mean time streaming before the encoder disconnects. */
  streamingMeanMs: number;
}

export interface SimulationResult {
  /** Requests attempted in each aligned window. */
  attemptedPerWindow: number[];
  grantedPerWindow: number[];
  denied: number;
  transitions: number;
}

type Event = { kind: 'poll'; session: number; gen: number } | { kind: 'change'; session: number };

/** The inputMonitor loop's "changing" phase lasts this long after a change (session.machine.ts). */
const CHANGING_MS = 60_000;
const NEXT: Record<'offline' | 'ready' | 'streaming', 'offline' | 'ready' | 'streaming'> = {
  offline: 'ready',
  ready: 'streaming',
  streaming: 'offline',
};

/**
 * Discrete-event model of every session's inputMonitor loop (session.machine.ts): wait
 * `pollDelayMs(phase, state)`, poll (one request through the account-wide RequestBudget),
 * repeat; a state change wakes the loop and re-plans the wait from then. Encoders churn
 * offline → ready → streaming → offline with exponential durations.
 */
export function simulatePolling(opts: {
  sessions: number;
  durationMs: number;
  windowMs: number;
  budget: number;
  policy: PollPolicy;
  churn: ChurnModel;
  seed: number;
  /**
   * What a wake does. The inputMonitor loop in session.machine.ts resolves its wait on
   * STATE, so it polls at once and plans after (true); its comment says "re-plan" (false).
   */
  pollOnWake: boolean;
}): SimulationResult {
  const random = seededRandom(opts.seed);
  const clock = new ManualClock(0);
  const budget = new RequestBudget({ limit: opts.budget, windowMs: opts.windowMs, clock });
  const windows = Math.ceil(opts.durationMs / opts.windowMs);
  const attempted = new Array<number>(windows).fill(0);
  const granted = new Array<number>(windows).fill(0);
  let denied = 0;
  let transitions = 0;
  const state: ('offline' | 'ready' | 'streaming')[] = [];
  const lastChange: number[] = [];
  const gen: number[] = [];
  const queue = new EventQueue<Event>();
  const meanOf = (s: 'offline' | 'ready' | 'streaming') =>
    s === 'offline'
      ? opts.churn.offlineMeanMs
      : s === 'ready'
        ? opts.churn.readyMeanMs
        : opts.churn.streamingMeanMs;
  const plan = (i: number, now: number) => {
    gen[i] += 1;
    const phase = now - lastChange[i] < CHANGING_MS ? 'changing' : 'stable';
    const delay = opts.policy({ phase, state: state[i], sessions: opts.sessions });
    queue.push(now + delay, { kind: 'poll', session: i, gen: gen[i] });
  };

  // Steady state at t=0: states drawn in proportion to their mean durations.
  const total = opts.churn.offlineMeanMs + opts.churn.readyMeanMs + opts.churn.streamingMeanMs;
  for (let i = 0; i < opts.sessions; i++) {
    const r = random() * total;
    const s =
      r < opts.churn.offlineMeanMs
        ? 'offline'
        : r < opts.churn.offlineMeanMs + opts.churn.readyMeanMs
          ? 'ready'
          : 'streaming';
    state.push(s);
    // Sessions have been in their state for a while; some changed within the last minute.
    lastChange.push(-exponential(random, meanOf(s)));
    gen.push(0);
    queue.push(exponential(random, meanOf(s)), { kind: 'change', session: i });
    // Each loop is somewhere inside its current wait.
    gen[i] += 1;
    const phase = -lastChange[i] < CHANGING_MS ? 'changing' : 'stable';
    queue.push(random() * opts.policy({ phase, state: s, sessions: opts.sessions }), {
      kind: 'poll',
      session: i,
      gen: gen[i],
    });
  }

  const poll = (at: number) => {
    const w = Math.floor(at / opts.windowMs);
    attempted[w]++;
    if (budget.tryAcquire().ok) granted[w]++;
    else denied++;
  };

  for (let e = queue.pop(); e && e.at < opts.durationMs; e = queue.pop()) {
    clock.set(e.at);
    const ev = e.value;
    const i = ev.session;
    if (ev.kind === 'change') {
      state[i] = NEXT[state[i]];
      lastChange[i] = e.at;
      transitions++;
      queue.push(e.at + exponential(random, meanOf(state[i])), { kind: 'change', session: i });
      // The machine's STATE event wakes the loop.
      if (opts.pollOnWake) poll(e.at);
      plan(i, e.at);
      continue;
    }
    if (ev.gen !== gen[i]) continue; // superseded by a wake
    poll(e.at);
    plan(i, e.at);
  }
  return { attemptedPerWindow: attempted, grantedPerWindow: granted, denied, transitions };
}
