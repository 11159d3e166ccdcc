/** The Pacific-time calendar day, since YouTube quotas reset at midnight PT. */
function pacificDay(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' }).format(now);
}

/** Ms until the next Pacific midnight (approximate to the hour around DST changes). */
function msUntilPacificMidnight(now: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const elapsed = (get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000;
  return Math.max(1_000, 86_400_000 - elapsed);
}

/**
 * Counts the quota units this monitor spends today and says how long to wait between
 * polls so the remaining budget lasts until the daily reset.
 */
export class YouTubeQuotaBudget {
  private day: string;
  private spent = 0;

  constructor(
    private readonly daily: number,
    private readonly slowdownAt: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.day = pacificDay(now());
  }

  get used(): number {
    this.roll();
    return this.spent;
  }

  canSpend(units: number): boolean {
    this.roll();
    return this.spent + units <= this.daily;
  }

  spend(units: number): void {
    this.roll();
    this.spent += units;
  }

  /** True once usage passes the slow-down threshold. */
  get slowed(): boolean {
    return this.used >= this.daily * this.slowdownAt;
  }

  /** Interval that spreads the remaining budget over the rest of the day, at least `base`. */
  pollDelay(base: number, costPerPoll: number): number {
    if (!this.slowed) return base;
    const remainingPolls = Math.floor((this.daily - this.used) / costPerPoll);
    if (remainingPolls <= 0) return msUntilPacificMidnight(this.now());
    return Math.max(base, Math.ceil(msUntilPacificMidnight(this.now()) / remainingPolls));
  }

  private roll(): void {
    const today = pacificDay(this.now());
    if (today !== this.day) {
      this.day = today;
      this.spent = 0;
    }
  }
}
