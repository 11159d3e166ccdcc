import { RestartIntensity } from './restart-intensity';

export interface SupervisorPolicy {
  maxRestarts: number;
  windowMs: number;
  backoffMs: number;
  now: () => number;
  /** Timer functions, injectable so tests drive time (XState's SimulatedClock, fake timers). */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/** A long-running child: resolves when it stops normally, rejects when it crashes. */
export type Worker = (signal: AbortSignal) => Promise<void>;

export interface ChildStatus {
  name: string;
  status: 'running' | 'restarting' | 'stopped' | 'escalated';
  restarts: number;
  lastError?: string;
}

/**
 * one_for_one supervision of a single child: a crash restarts only that child, with
 * exponential back-off, until the restart intensity is exceeded; then `onEscalate` runs
 * and the child stays down. XState has no supervision of its own, so each invoked
 * callback actor wraps its work in one of these.
 */
export class Supervisor {
  private readonly intensity: RestartIntensity;
  private abort = new AbortController();
  private timer: unknown;
  private restarts = 0;
  private consecutive = 0;
  private current: ChildStatus['status'] = 'running';
  private lastError?: string;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly worker: Worker,
    private readonly policy: SupervisorPolicy,
    private readonly onEscalate: (error: string) => void,
    private readonly onStatus?: (status: ChildStatus) => void,
  ) {
    this.intensity = new RestartIntensity(policy.maxRestarts, policy.windowMs, policy.now);
  }

  start(): this {
    this.run();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    if (this.timer !== undefined)
      (this.policy.clearTimeout ?? clearTimeout)(this.timer as NodeJS.Timeout);
    this.setStatus('stopped');
  }

  status(): ChildStatus {
    return {
      name: this.name,
      status: this.current,
      restarts: this.restarts,
      lastError: this.lastError,
    };
  }

  private run(): void {
    this.abort = new AbortController();
    this.setStatus('running');
    let settled: Promise<void>;
    try {
      settled = this.worker(this.abort.signal);
    } catch (err) {
      settled = Promise.reject(err);
    }
    settled.then(
      () => {
        this.consecutive = 0;
      },
      (err: unknown) => this.crashed(err),
    );
  }

  private crashed(err: unknown): void {
    if (this.stopped) return;
    this.lastError = err instanceof Error ? err.message : String(err);
    if (!this.intensity.allowRestart()) {
      this.setStatus('escalated');
      this.onEscalate(this.lastError);
      return;
    }
    this.restarts += 1;
    const delay = this.policy.backoffMs * 2 ** Math.min(this.consecutive, 6);
    this.consecutive += 1;
    this.setStatus('restarting');
    this.timer = (this.policy.setTimeout ?? setTimeout)(() => {
      this.timer = undefined;
      if (!this.stopped) this.run();
    }, delay);
  }

  private setStatus(status: ChildStatus['status']): void {
    this.current = status;
    this.onStatus?.(this.status());
  }
}
