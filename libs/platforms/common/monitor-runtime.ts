import type {
  ChatConnectionState,
  NormalizedChatEvent,
  PlatformMonitorSink,
  PlatformName,
} from '../platform-chat.port';
import { backoffDelay } from './backoff';
import { BoundedIdSet } from './bounded-id-set';
import { errorText } from './error-text';
import { EventBatcher } from './event-batcher';
import type { ResolvedMonitorOptions } from './monitor-options';

/**
 * The part of a platform monitor that is the same everywhere: state reporting, reconnect
 * bookkeeping, de-duplication, batching, and a wall around the sink and every timer so a
 * thrown error (ours or the sink's) is reported through `state` instead of crashing.
 */
export class MonitorRuntime {
  private current: ChatConnectionState | undefined;
  private currentDetail: string | undefined;
  private failures = 0;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly seen: BoundedIdSet;
  private readonly batcher: EventBatcher;

  constructor(
    readonly platform: PlatformName,
    private readonly sink: PlatformMonitorSink,
    readonly options: ResolvedMonitorOptions,
    private readonly secrets: () => (string | undefined)[] = () => [],
  ) {
    this.seen = new BoundedIdSet(options.dedupCapacity);
    this.batcher = new EventBatcher((batch) => this.deliver(batch), options.batch);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get state(): ChatConnectionState | undefined {
    return this.current;
  }

  /** Queues an event unless its platformMessageId was already delivered. */
  emit(event: NormalizedChatEvent): void {
    if (this.stopped || !this.seen.add(event.platformMessageId)) return;
    this.batcher.push(event);
  }

  /** Reports a state; repeats of the same state and detail are not sent twice. */
  report(state: ChatConnectionState, detail?: string): void {
    if (this.stopped) return;
    if (state === this.current && detail === this.currentDetail) return;
    this.current = state;
    this.currentDetail = detail;
    try {
      this.sink.state(state, detail);
    } catch (err) {
      // The sink's own state callback failed: nowhere left to report it but stderr.
      console.error(`[${this.platform}] sink.state threw: ${this.describe(err)}`);
    }
  }

  connected(detail?: string): void {
    this.failures = 0;
    this.report('connected', detail);
  }

  /**
   * Records a lost connection or failed attempt. Returns the delay before the next attempt,
   * or undefined once `maxConsecutiveFailures` is reached (the state is then `failed`).
   */
  connectionLost(reason: string): number | undefined {
    if (this.current === 'failed') return undefined;
    this.failures += 1;
    if (this.failures >= this.options.maxConsecutiveFailures) {
      this.report('failed', `${reason} (${this.failures} consecutive failures)`);
      return undefined;
    }
    const delay = backoffDelay(this.failures - 1, this.options.backoff, this.options.random);
    this.report('reconnecting', `${reason}; retry ${this.failures} in ${delay} ms`);
    return delay;
  }

  viewers(count: number): void {
    if (this.stopped) return;
    this.guardSink('viewers', () => this.sink.viewers(count));
  }

  tokens(tokens: { accessToken: string; refreshToken?: string; expiresAt?: string }): void {
    if (this.stopped || !this.sink.tokens) return;
    const sink = this.sink;
    this.guardSink('tokens', () => sink.tokens?.(tokens));
  }

  /** Runs `fn` after `ms`, unless stopped; errors it throws are reported, never raised. */
  schedule(ms: number, fn: () => void | Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      void this.run(fn);
    }, ms);
    this.timers.add(timer);
  }

  /** `run` for synchronous work (each chat message): no promise per call. */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.internalError('internal', err);
    }
  }

  /** Runs `fn`, turning any throw or rejection into a reported state detail. */
  async run(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.internalError('internal', err);
    }
  }

  describe(err: unknown): string {
    return errorText(err, this.secrets());
  }

  internalError(where: string, err: unknown): void {
    this.report(this.current ?? 'connecting', `${where} error: ${this.describe(err)}`);
  }

  /** Flushes queued events and cancels every timer. */
  stop(): void {
    if (this.stopped) return;
    this.batcher.close();
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private deliver(batch: NormalizedChatEvent[]): void {
    this.guardSink('events', () => this.sink.events(batch));
  }

  private guardSink(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.internalError(`sink.${name}`, err);
    }
  }
}
