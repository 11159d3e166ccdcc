/**
 * OTP-style restart intensity: at most `maxRestarts` restarts within `windowMs`.
 * Beyond that the failure escalates instead of restarting again.
 */
export class RestartIntensity {
  private readonly restarts: number[] = [];

  constructor(
    private readonly maxRestarts: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Records a crash. True when a restart is still allowed, false when it must escalate. */
  allowRestart(): boolean {
    const t = this.now();
    while (this.restarts.length > 0 && t - this.restarts[0] >= this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.maxRestarts) return false;
    this.restarts.push(t);
    return true;
  }

  get recent(): number {
    return this.restarts.length;
  }
}
