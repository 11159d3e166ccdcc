/**
 * A platform's timestamp (milliseconds since the epoch) as ISO 8601, or now when it is
 * missing or not a time a Date can hold (NaN, or beyond ±8.64e15 ms). `toISOString` throws
 * on an invalid Date, and one malformed timestamp must cost no more than its own accuracy:
 * never the message, nor (YouTube) the page it came in.
 */
export function isoOrNow(ms: number, now: () => Date = () => new Date()): string {
  const at = new Date(ms);
  return Number.isNaN(at.getTime()) ? now().toISOString() : at.toISOString();
}
