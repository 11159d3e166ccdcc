/**
 * Polls `condition` until it holds or `timeoutMs` passes (then rejects with `what`).
 * For tests and fakes: a bounded wait on an observable condition, never a fixed sleep.
 */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
  everyMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
