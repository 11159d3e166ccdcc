import { ManualClock } from './clock';
import { RequestBudget } from './request-budget';

describe(RequestBudget.name, () => {
  it('defaults to Cloudflare’s 1,200 requests per 5 minutes', () => {
    const stats = new RequestBudget().stats();
    expect(stats).toMatchObject({ limit: 1200, windowMs: 300_000, used: 0, blockedUntil: null });
  });

  it('grants up to the limit, then says when the oldest slot frees', () => {
    const clock = new ManualClock(1_000);
    const budget = new RequestBudget({ limit: 3, windowMs: 10_000, clock });
    expect(budget.tryAcquire().ok).toBe(true);
    clock.advance(2_000);
    expect(budget.tryAcquire().ok).toBe(true);
    expect(budget.tryAcquire().ok).toBe(true);
    expect(budget.tryAcquire()).toEqual({
      ok: false,
      reason: 'budget_exhausted',
      retryAfterMs: 8_000,
    });
    expect(budget.stats()).toMatchObject({ used: 3, granted: 3, denied: 1 });
    expect(budget.problem()).toMatch(/budget exhausted/);

    clock.advance(7_999);
    expect(budget.tryAcquire().ok).toBe(false);
    clock.advance(1);
    expect(budget.tryAcquire().ok).toBe(true);
    expect(budget.stats().used).toBe(3);
  });

  it('blocks everything until a Retry-After has passed', () => {
    const clock = new ManualClock(0);
    const budget = new RequestBudget({ limit: 100, windowMs: 60_000, clock });
    budget.blockFor(30_000);
    expect(budget.stats().blockedUntil).toBe(30_000);
    clock.advance(10_000);
    expect(budget.tryAcquire()).toEqual({ ok: false, reason: 'retry_after', retryAfterMs: 20_000 });
    expect(budget.problem()).toMatch(/rate limited/);
    clock.advance(20_000);
    expect(budget.tryAcquire().ok).toBe(true);
    expect(budget.stats().blockedUntil).toBeNull();
    expect(budget.problem()).toBeUndefined();
  });

  it('refuses nonsense limits', () => {
    expect(() => new RequestBudget({ limit: 0 })).toThrow(RangeError);
    expect(() => new RequestBudget({ windowMs: 0 })).toThrow(RangeError);
  });

  it('keeps 2,000 polling sessions within 1,200 requests in every 5-minute window', () => {
    const windowMs = 5 * 60_000;
    const clock = new ManualClock(0);
    const budget = new RequestBudget({ clock });
    const sessions = 2_000;
    const pollEveryMs = 15_000;
    // Spread the first polls over one interval, as sessions would arrive.
    const nextAt = Array.from({ length: sessions }, (_, i) =>
      Math.floor((i * pollEveryMs) / sessions),
    );
    const grants: number[] = [];
    let maxUsed = 0;

    const simulatedMs = 2 * windowMs + 60_000;
    for (let now = 0; now <= simulatedMs; now += 50) {
      clock.set(now);
      for (let s = 0; s < sessions; s++) {
        if ((nextAt[s] ?? 0) > now) continue;
        const decision = budget.tryAcquire();
        if (decision.ok) {
          grants.push(now);
          nextAt[s] = now + pollEveryMs;
        } else {
          nextAt[s] = now + decision.retryAfterMs;
        }
      }
      maxUsed = Math.max(maxUsed, budget.stats().used);
    }

    // Demand (2,000 × 20 polls per window) far exceeds supply, so the budget is the limit…
    let worst = 0;
    let start = 0;
    for (let end = 0; end < grants.length; end++) {
      while ((grants[end] ?? 0) - (grants[start] ?? 0) >= windowMs) start++;
      worst = Math.max(worst, end - start + 1);
    }
    expect(worst).toBeLessThanOrEqual(1200);
    expect(maxUsed).toBeLessThanOrEqual(1200);
    // …and it is used fully rather than refusing too much.
    expect(worst).toBe(1200);
    expect(grants.length).toBeGreaterThanOrEqual(2 * 1200);
  });
});
