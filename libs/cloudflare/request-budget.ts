import { systemClock, type Clock } from './clock';

export interface RequestBudgetOptions {
  /** Requests allowed per window, account-wide. Cloudflare's API allows 1,200 per 5 minutes. */
  limit?: number;
  windowMs?: number;
  clock?: Clock;
}

export interface RequestBudgetStats {
  /** Requests sent within the current window. */
  used: number;
  limit: number;
  windowMs: number;
  /** Epoch ms until which nothing is sent because Cloudflare answered 429; null when not blocked. */
  blockedUntil: number | null;
  /** Requests granted since start (for benchmarks). */
  granted: number;
  /** Requests refused locally since start, without being sent. */
  denied: number;
}

export type BudgetDecision =
  { ok: true } | { ok: false; reason: 'budget_exhausted' | 'retry_after'; retryAfterMs: number };

export const DEFAULT_BUDGET_LIMIT = 1200;
export const DEFAULT_BUDGET_WINDOW_MS = 5 * 60_000;

/**
 * Account-wide sliding-window log: a request is granted only if fewer than `limit` were
 * granted in the last `windowMs`, so no window of that length ever holds more than `limit`
 * (a fixed window or a refilling bucket could let up to twice as many through a boundary).
 */
export class RequestBudget {
  readonly limit: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  /** Grant times, oldest first; entries before `head` have left the window. */
  private grants: number[] = [];
  private head = 0;
  private blockedUntilMs = 0;
  private grantedTotal = 0;
  private deniedTotal = 0;

  constructor(options: RequestBudgetOptions = {}) {
    this.limit = options.limit ?? DEFAULT_BUDGET_LIMIT;
    this.windowMs = options.windowMs ?? DEFAULT_BUDGET_WINDOW_MS;
    this.clock = options.clock ?? systemClock;
    if (!Number.isInteger(this.limit) || this.limit < 1) {
      throw new RangeError(`budget limit must be a positive integer (got ${this.limit})`);
    }
    if (!(this.windowMs > 0)) {
      throw new RangeError(`budget window must be positive (got ${this.windowMs})`);
    }
  }

  /** Takes one request slot now, or says how long until one frees. */
  tryAcquire(): BudgetDecision {
    const now = this.clock.now();
    if (now < this.blockedUntilMs) {
      this.deniedTotal++;
      return { ok: false, reason: 'retry_after', retryAfterMs: this.blockedUntilMs - now };
    }
    this.prune(now);
    if (this.inWindow() >= this.limit) {
      this.deniedTotal++;
      const oldest = this.grants[this.head] ?? now;
      return {
        ok: false,
        reason: 'budget_exhausted',
        retryAfterMs: Math.max(1, oldest + this.windowMs - now),
      };
    }
    this.grants.push(now);
    this.grantedTotal++;
    return { ok: true };
  }

  /** Cloudflare said 429: send nothing until `retryAfterMs` from now has passed. */
  blockFor(retryAfterMs: number): void {
    const until = this.clock.now() + Math.max(0, retryAfterMs);
    this.blockedUntilMs = Math.max(this.blockedUntilMs, until);
  }

  stats(): RequestBudgetStats {
    const now = this.clock.now();
    this.prune(now);
    return {
      used: this.inWindow(),
      limit: this.limit,
      windowMs: this.windowMs,
      blockedUntil: now < this.blockedUntilMs ? this.blockedUntilMs : null,
      granted: this.grantedTotal,
      denied: this.deniedTotal,
    };
  }

  /** Why requests are failing fast right now, if they are. */
  problem(): string | undefined {
    const stats = this.stats();
    if (stats.blockedUntil !== null) {
      return `Cloudflare rate limited us (429); waiting until ${new Date(stats.blockedUntil).toISOString()}`;
    }
    if (stats.used >= stats.limit) {
      return `Cloudflare request budget exhausted (${stats.used}/${stats.limit} per ${stats.windowMs} ms)`;
    }
    return undefined;
  }

  private inWindow(): number {
    return this.grants.length - this.head;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.grants.length && (this.grants[this.head] ?? 0) <= cutoff) this.head++;
    // Compact now and then so the log stays about `limit` long.
    if (this.head > 1024 && this.head * 2 > this.grants.length) {
      this.grants = this.grants.slice(this.head);
      this.head = 0;
    }
  }
}
