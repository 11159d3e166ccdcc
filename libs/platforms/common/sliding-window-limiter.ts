/** Allows at most `max` actions in any `windowMs` (e.g. Twitch's 20 messages / 30 s). */
export class SlidingWindowLimiter {
  private stamps: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot if one is free; otherwise returns the ms until the next one frees up. */
  tryTake(): { ok: true } | { ok: false; retryAfterMs: number } {
    const t = this.now();
    this.stamps = this.stamps.filter((s) => t - s < this.windowMs);
    if (this.stamps.length < this.max) {
      this.stamps.push(t);
      return { ok: true };
    }
    return { ok: false, retryAfterMs: this.windowMs - (t - this.stamps[0]) };
  }
}
