import { isProviderError, ProviderError } from '../common/provider-error';
import { systemClock, type Clock } from './clock';

/** Thrown while the circuit is open: the call was not attempted. */
export class CircuitOpenError extends ProviderError {
  constructor(provider: string, retryAfterMs: number) {
    super(provider, 'unavailable', `${provider}: circuit open`, { retryAfterMs });
  }
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive `unavailable` failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. */
  coolDownMs?: number;
  clock?: Clock;
  /** Provider name on the errors it throws. */
  provider?: string;
}

/**
 * closed → open after N consecutive `unavailable` failures → half_open after the cool-down
 * (exactly one trial call) → closed on success, open again on failure.
 * Only `unavailable` counts: a 404 or a 4xx proves the provider is up, and `rate_limited`
 * is the budget's business, not an outage.
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  private readonly clock: Clock;
  private readonly provider: string;
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.coolDownMs = options.coolDownMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
    this.provider = options.provider ?? 'cloudflare';
  }

  state(): CircuitState {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.coolDownMs) {
      return 'half_open';
    }
    return this.current;
  }

  /** Undefined while calls go through; otherwise why they fail fast. */
  problem(): string | undefined {
    const state = this.state();
    if (state === 'open') {
      return `${this.provider} circuit open after ${this.consecutiveFailures} consecutive failures`;
    }
    if (state === 'half_open') return `${this.provider} circuit half-open (probing)`;
    return undefined;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    this.admit();
    const isTrial = this.current !== 'closed';
    if (isTrial) this.trialInFlight = true;
    try {
      const result = await call();
      this.onSuccess();
      return result;
    } catch (err) {
      this.onFailure(err);
      throw err;
    } finally {
      if (isTrial) this.trialInFlight = false;
    }
  }

  private admit(): void {
    if (this.current === 'closed') return;
    const waitMs = this.openedAt + this.coolDownMs - this.clock.now();
    if (waitMs <= 0 && !this.trialInFlight) {
      this.current = 'half_open';
      return;
    }
    throw new CircuitOpenError(this.provider, Math.max(0, waitMs));
  }

  private onSuccess(): void {
    this.current = 'closed';
    this.consecutiveFailures = 0;
  }

  private onFailure(err: unknown): void {
    // Rate limiting says nothing about the provider's health: leave the state as it is.
    if (isProviderError(err, 'rate_limited')) return;
    if (!isProviderError(err, 'unavailable')) {
      // The provider answered, so it is up; a half-open trial has succeeded.
      this.onSuccess();
      return;
    }
    this.consecutiveFailures++;
    if (this.current === 'half_open' || this.consecutiveFailures >= this.failureThreshold)
      this.trip();
  }

  private trip(): void {
    this.current = 'open';
    this.openedAt = this.clock.now();
  }
}
