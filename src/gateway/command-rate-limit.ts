/** Per-socket token bucket for client commands: `capacity` at once, refilled over `perMs`. */
export class CommandRateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity = 10,
    private readonly perMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((t - this.last) * this.capacity) / this.perMs,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
