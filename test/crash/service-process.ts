import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { waitFor } from '../helpers/wait-for';

const ROOT = path.resolve(__dirname, '../..');
const running = new Set<ChildProcess>();

/**
 * The real service (`src/main.ts`) as a child process, so a test can SIGKILL it at any
 * instant and start it again on the same database and port.
 */
export class ServiceProcess {
  private child?: ChildProcess;
  /** The last lines the child wrote (LOG_LEVEL=warn), shown when something fails. */
  readonly output: string[] = [];

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Started and not exited (a crash shows here). */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(this.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 200));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error('the service exited');
          const res = await fetch(`${this.baseUrl}/health/live`).catch(() => undefined);
          return res?.ok === true;
        },
        'the service to listen',
        60_000, // a TypeScript boot under a loaded CI machine
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; its last output:\n${this.tail()}`, {
        cause: err,
      });
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed, in-flight requests are cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }
}

/** For afterAll, even after a failure: no child outlives the test file. */
export async function killAllServices(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
