import type {
  PlatformAccount,
  PlatformChatPort,
  PlatformMonitorHandle,
  PlatformMonitorSink,
  PlatformName,
} from '../platform-chat.port';
import {
  resolveMonitorOptions,
  type MonitorOptions,
  type ResolvedMonitorOptions,
} from './monitor-options';

/** A platform's monitor: one per session, started once, then a handle for send/stop. */
export interface StartableMonitor extends PlatformMonitorHandle {
  start(): Promise<void>;
}

export type MonitorClass<R> = new (
  account: PlatformAccount,
  sink: PlatformMonitorSink,
  options: R,
  common: ResolvedMonitorOptions,
) => StartableMonitor;

/**
 * What every platform adapter shares: resolve its options and the common monitor options
 * once, and start one monitor per session with them.
 */
export abstract class MonitorAdapter<O extends MonitorOptions, R> implements PlatformChatPort {
  abstract readonly platform: PlatformName;
  protected readonly options: R;
  protected readonly common: ResolvedMonitorOptions;

  protected constructor(
    options: O,
    resolve: (options: O) => R,
    private readonly Monitor: MonitorClass<R>,
  ) {
    this.options = resolve(options);
    this.common = resolveMonitorOptions(options);
  }

  async start(account: PlatformAccount, sink: PlatformMonitorSink): Promise<PlatformMonitorHandle> {
    const monitor = new this.Monitor(account, sink, this.options, this.common);
    await monitor.start();
    return monitor;
  }
}
