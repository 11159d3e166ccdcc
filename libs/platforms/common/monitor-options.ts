import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { DEFAULT_BATCH, type BatchOptions } from './event-batcher';

/** Behaviour every platform adapter shares; all fields optional. */
export interface MonitorOptions {
  /** Reconnect backoff (exponential with jitter). Default base 1 s, max 60 s. */
  backoff?: Partial<BackoffOptions>;
  /** Consecutive failed connection attempts before the state becomes `failed`. Default 10. */
  maxConsecutiveFailures?: number;
  /** Event batching to the sink. Default flush every 10 ms or at 500 events. */
  batch?: Partial<BatchOptions>;
  /**
   * How many recent platformMessageIds a monitor remembers for de-duplication. Default
   * 2,000: the largest page a poll can read again (YouTube's `maxResults` tops out there).
   * Older repeats, and those after a monitor restarts, are turned away by the stored
   * events' primary key. Each remembered id costs about 100 bytes for as long as the stream
   * lasts, per platform: at 20,000, 200 busy chats held 1.5 million of them, and the
   * collector walking them took about 4 % of the node's CPU.
   */
  dedupCapacity?: number;
  /** Source of randomness for jitter (tests may pin it). */
  random?: () => number;
}

export interface ResolvedMonitorOptions {
  backoff: BackoffOptions;
  maxConsecutiveFailures: number;
  batch: BatchOptions;
  dedupCapacity: number;
  random: () => number;
}

export function resolveMonitorOptions(options: MonitorOptions = {}): ResolvedMonitorOptions {
  return {
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? 10,
    batch: { ...DEFAULT_BATCH, ...options.batch },
    dedupCapacity: options.dedupCapacity ?? 2_000,
    random: options.random ?? Math.random,
  };
}
