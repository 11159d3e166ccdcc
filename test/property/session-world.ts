import { SimulatedClock } from 'xstate';
import type { Platform } from '../../src/platforms/platform';
import {
  createSessionMachine,
  SessionDeps,
  StartOutputsResult,
} from '../../src/sessions/machine/session.machine';

export const GRACE_MS = 5 * 60_000;
export const CLEANUP_BASE_MS = 1_000;
export const CLEANUP_MAX_MS = 30_000;

export type StartOutcome = 'all' | 'some' | 'none' | 'throw';

/**
 * The outside world of one session machine, as a model: a simulated clock, and a provider
 * whose outputs are created by `startOutputs` and deleted by `cleanup`. What the provider
 * does next (Start outcome, cleanup failing) is switched by the test between steps.
 */
export class SessionWorld {
  readonly clock = new SimulatedClock();
  /** Outputs that exist at the provider, by platform. */
  readonly outputs = new Set<Platform>();
  startOutcome: StartOutcome = 'all';
  cleanupFails = false;
  startCalls = 0;
  cleanupCalls = 0;

  readonly deps: SessionDeps = {
    now: () => this.clock.now(),
    graceMs: GRACE_MS,
    cleanupRetryBaseMs: CLEANUP_BASE_MS,
    cleanupRetryMaxMs: CLEANUP_MAX_MS,
    supervisor: {
      maxRestarts: 3,
      windowMs: 5000,
      backoffMs: 100,
      setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms),
      clearTimeout: (id) => this.clock.clearTimeout(id as number),
    },
    startOutputs: (a) => this.startOutputs(a.platforms),
    cleanup: () => this.cleanup(),
    pollInput: () => new Promise(() => undefined), // never asked: pollDelayMs is null
    pollDelayMs: () => null,
    runOutputManager: (_a, signal) => untilAborted(signal),
    runPlatformMonitor: (_a, signal) => untilAborted(signal),
    childStatus: () => undefined,
    platformFailed: () => undefined,
  };

  readonly machine = createSessionMachine(this.deps);

  private waiting: (() => void)[] = [];

  /** The provider answers every call made so far, and the answers reach the machine. */
  flush(): Promise<void> {
    this.waiting.splice(0).forEach((answer) => answer());
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Provider calls answer only on `flush`, so events can interleave with them. */
  private answered(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async startOutputs(platforms: Platform[]): Promise<StartOutputsResult> {
    this.startCalls += 1;
    const outcome = this.startOutcome;
    await this.answered();
    if (outcome === 'throw') throw new Error('provider unavailable');
    // Like OutputsService.start: when nothing went live, nothing is left behind.
    const active = outcome === 'all' ? platforms : outcome === 'some' ? platforms.slice(0, 1) : [];
    for (const p of active) this.outputs.add(p);
    return {
      active,
      failed: platforms
        .filter((p) => !active.includes(p))
        .map((p) => ({ platform: p, error: 'x' })),
    };
  }

  private async cleanup(): Promise<void> {
    this.cleanupCalls += 1;
    const fails = this.cleanupFails;
    await this.answered();
    if (fails) {
      // A failed pass may still have deleted some outputs.
      const first = [...this.outputs][0];
      if (first) this.outputs.delete(first);
      throw new Error('provider down');
    }
    this.outputs.clear();
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
}
