import { BoundedIdSet } from './bounded-id-set';

/**
 * Recognises the streamer's own messages when the platform sends them back, so one sent
 * message never shows up as a second chat event. Matches by the platform id returned on
 * send, or — where the platform returns none — by author + text within a short window.
 */
export class EchoGuard {
  private readonly sentIds = new BoundedIdSet(1_000);
  private pending: { text: string; at: number }[] = [];

  constructor(
    private readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call before sending: the text may come back before the send call returns. */
  expectText(text: string): void {
    this.pending.push({ text, at: this.now() });
  }

  rememberId(id: string): void {
    this.sentIds.add(id);
  }

  /** True when the event is our own echo; consumes the pending text it matched. */
  isEcho(platformMessageId: string, fromSelf: boolean, text: string): boolean {
    if (this.sentIds.has(platformMessageId)) return true;
    if (!fromSelf) return false;
    const t = this.now();
    this.pending = this.pending.filter((p) => t - p.at < this.windowMs);
    const index = this.pending.findIndex((p) => p.text === text);
    if (index < 0) return false;
    this.pending.splice(index, 1);
    return true;
  }
}
