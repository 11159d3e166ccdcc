import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '../..');
const RUNNER = path.join(__dirname, 'postgres-runner.ts');
const running = new Set<PostgresProcess>();

export interface PostgresProcessOptions {
  /** Cluster directory to use (kept on close); default: a fresh temporary one (removed on close). */
  dataDir?: string;
  /** Default: a free port, kept across restarts. */
  port?: number;
  database?: string;
}

/**
 * A real embedded PostgreSQL in a child process of its own, so a test (or a chaos run) can
 * take the database away and bring it back: `stop()` is a real fast shutdown of the
 * cluster (every connection is terminated, the port closes), `start()` starts it again on
 * the same data directory and port, so DATABASE_URL stays valid and every row survives.
 *
 *   const pg = await PostgresProcess.create();
 *   … start the service with DATABASE_URL=pg.url …
 *   await pg.outage(30_000, async () => { … drive the service while the database is down … });
 *   await pg.close();
 */
export class PostgresProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  private currentUrl?: string;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly database: string,
    private readonly ownsDataDir: boolean,
  ) {}

  /** Initialises (first time) and starts the cluster. */
  static async create(opts: PostgresProcessOptions = {}): Promise<PostgresProcess> {
    const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ss-pg-'));
    const pg = new PostgresProcess(
      dataDir,
      opts.port ?? (await freePort()),
      opts.database ?? 'stream_supervisor',
      !opts.dataDir,
    );
    running.add(pg);
    await pg.start();
    return pg;
  }

  /** postgres://… of the database; the same across restarts. */
  get url(): string {
    if (!this.currentUrl) throw new Error('PostgreSQL has not been started yet');
    return this.currentUrl;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the cluster (again) on the same data directory and port; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        RUNNER,
        this.dataDir,
        String(this.port),
        this.database,
      ],
      { cwd: ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.output = [];
    const url = new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const line = buffered.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        this.output.push(chunk.toString('utf8'));
        this.output.splice(0, Math.max(0, this.output.length - 50));
      });
      child.once('exit', (code) =>
        reject(new Error(`postgres-runner exited (${code}): ${this.output.join('')}`)),
      );
    });
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    try {
      this.currentUrl = await url;
    } catch (err) {
      this.child = undefined;
      throw err;
    }
  }

  /**
   * Stops the cluster: a fast shutdown (SIGINT to the postmaster), which rolls back open
   * transactions and terminates every client connection. Resolves once the port is closed.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
    await waitFor(async () => !(await portOpen(this.port)), 'PostgreSQL to close its port');
  }

  /** Stops the cluster, runs `during` (if any), keeps it down for at least `ms`, and starts it again. */
  async outage(ms: number, during?: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    await this.stop();
    try {
      await during?.();
      // The outage's length is the fault being injected, not a wait for an effect.
      const left = until - Date.now();
      if (left > 0) await new Promise((r) => setTimeout(r, left));
    } finally {
      await this.start();
    }
  }

  /** Stops the cluster for good and removes a temporary data directory. */
  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    running.delete(this);
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** For afterAll, even after a failure: no cluster outlives the test file. */
export async function closeAllPostgres(): Promise<void> {
  await Promise.all([...running].map((pg) => pg.close()));
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
