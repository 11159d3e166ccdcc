import type {
  ChatConnectionState,
  NormalizedChatEvent,
  PlatformMonitorSink,
} from '../platform-chat.port';

/** A sink for tests and the fakes' demo: records everything it is given. */
export class RecordingSink implements PlatformMonitorSink {
  readonly received: NormalizedChatEvent[] = [];
  readonly batchSizes: number[] = [];
  readonly states: { state: ChatConnectionState; detail?: string }[] = [];
  readonly viewerCounts: number[] = [];
  readonly tokenUpdates: { accessToken: string; refreshToken?: string; expiresAt?: string }[] = [];

  events(batch: NormalizedChatEvent[]): void {
    this.batchSizes.push(batch.length);
    this.received.push(...batch);
  }

  state(state: ChatConnectionState, detail?: string): void {
    this.states.push({ state, detail });
  }

  viewers(count: number): void {
    this.viewerCounts.push(count);
  }

  tokens(tokens: { accessToken: string; refreshToken?: string; expiresAt?: string }): void {
    this.tokenUpdates.push(tokens);
  }

  get lastState(): ChatConnectionState | undefined {
    return this.states[this.states.length - 1]?.state;
  }

  count(state: ChatConnectionState): number {
    return this.states.filter((s) => s.state === state).length;
  }

  withText(text: string): NormalizedChatEvent[] {
    return this.received.filter((e) => e.text === text);
  }
}
