import type { NormalizedChatEvent } from '../platform-chat.port';

export interface BatchOptions {
  /** Flush at most this long after the first queued event (ms). */
  flushMs: number;
  /** Flush as soon as this many events are queued. */
  maxEvents: number;
}

/**
 * Short by default: what a monitor batches here usually goes to a writer that batches again
 * (the service's node-wide chat writer), and both windows add to the time a viewer's
 * message takes to reach the dashboard.
 */
export const DEFAULT_BATCH: BatchOptions = { flushMs: 10, maxEvents: 500 };

/** Collects events and hands them to `deliver` in batches (by size or by time). */
export class EventBatcher {
  private queue: NormalizedChatEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliver: (batch: NormalizedChatEvent[]) => void,
    private readonly options: BatchOptions = DEFAULT_BATCH,
  ) {}

  push(event: NormalizedChatEvent): void {
    this.queue.push(event);
    if (this.queue.length >= this.options.maxEvents) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.flushMs);
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.deliver(batch);
  }

  /** Delivers what is queued and stops the timer. */
  close(): void {
    this.flush();
  }
}
