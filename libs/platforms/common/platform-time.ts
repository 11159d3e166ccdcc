/** The largest distance from the epoch a Date can hold, either way (ECMAScript TimeClip). */
const MAX_MS = 8.64e15;

/** The second `isoOrNow` wrote last, as `YYYY-MM-DDTHH:MM:SS.`: chat arrives in the same one. */
let lastSecond = NaN;
let lastPrefix = '';

/**
 * A platform's timestamp (milliseconds since the epoch) as ISO 8601, or now when it is
 * missing or not a time a Date can hold (NaN, or beyond ±8.64e15 ms). `toISOString` throws
 * on an invalid Date, and one malformed timestamp must cost no more than its own accuracy:
 * never the message, nor (YouTube) the page it came in.
 *
 * Writes what `new Date(ms).toISOString()` writes. Formatting a Date costs about a
 * microsecond, 3 % of a busy node's chat CPU; the date and time up to the second are kept
 * from the previous call instead, as chat messages mostly arrive within the same second.
 */
export function isoOrNow(ms: number, now: () => Date = () => new Date()): string {
  if (!(Math.abs(ms) <= MAX_MS)) return now().toISOString();
  const t = Math.trunc(ms) + 0; // as a Date keeps it (and -0 is 0)
  const second = Math.floor(t / 1000);
  if (second !== lastSecond) {
    lastPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    lastSecond = second;
  }
  const milli = t - second * 1000;
  return `${lastPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
