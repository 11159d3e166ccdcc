/**
 * Wall-clock milliseconds with sub-millisecond resolution. Each process's `timeOrigin` is
 * taken from the system clock at start-up, so two processes can disagree by a little:
 * `ClientProcess.clockOffset` measures by how much.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
