/** Socket-level failures: the server is down, restarting, or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean "the database is going away or not there yet" rather than "this
 * statement is wrong": class 08 (connection exception), 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up or shutting down).
 */
function unavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

const MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended',
];

/**
 * True when `err` says the database cannot be reached right now (as opposed to a query
 * that the database refused): callers keep their work queued and retry, or fall back to
 * what they already know. Looks through TypeORM's QueryFailedError (`driverError`) and
 * `cause` chains.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  // TypeORM's answer when the connection of a transaction died under it (the server
  // terminated it between two statements) and the transaction then tries to go on.
  if ((err as Error).name === 'QueryRunnerAlreadyReleasedError') return true;
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code) || unavailableSqlState(e.code)) return true;
  }
  if (typeof e.message === 'string' && MESSAGES.some((m) => (e.message as string).includes(m)))
    return true;
  if (err instanceof AggregateError && err.errors.some((x) => isDatabaseUnavailable(x, depth + 1)))
    return true;
  return (
    isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1)
  );
}
