import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';

/**
 * One circuit breaker per live input, so failures on one user's input never fail another
 * user's calls fast. Bounded: past `maxEntries`, closed breakers (which hold no state worth
 * keeping) are dropped first.
 */
export class BreakerPool {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: CircuitBreakerOptions = {},
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string): CircuitBreaker {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      if (this.breakers.size >= this.maxEntries) this.evictClosed();
      breaker = new CircuitBreaker(this.options);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  peek(key: string): CircuitBreaker | undefined {
    return this.breakers.get(key);
  }

  /** How many inputs currently fail fast. */
  openCount(): number {
    let n = 0;
    for (const b of this.breakers.values()) if (b.state() !== 'closed') n += 1;
    return n;
  }

  private evictClosed(): void {
    for (const [key, b] of this.breakers) if (b.state() === 'closed') this.breakers.delete(key);
  }
}
