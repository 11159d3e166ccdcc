import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { track, onCleanup } from './children';
import { heapAfterGc, inspectorUrl } from './inspector';
import { pollUntil } from './pool';
import { promValue, promValues } from './prom-text';

export const ROOT = path.resolve(__dirname, '../..');

/** How the service is run: the built JS (realistic) or ts-node (always matches the tree). */
export type ServiceMode = 'dist' | 'ts-node';

export function serviceCommand(mode: ServiceMode, extraNodeArgs: string[] = []): string[] {
  if (mode === 'dist') {
    const main = path.join(ROOT, 'dist/src/main.js');
    if (!existsSync(main))
      throw new Error('dist/src/main.js is missing: run `npm run build` first');
    return [...extraNodeArgs, main];
  }
  return [...extraNodeArgs, '-r', 'ts-node/register/transpile-only', 'src/main.ts'];
}

export interface GcPauses {
  seconds: number;
  /** Pauses longer than 100 ms (prom-client's bucket bound). */
  over100ms: number;
}

export interface ServiceSample {
  heapUsedBytes: number;
  rssBytes: number;
  lagP99Ms: number;
}

/**
 * The real service as a child process (SIGKILL-able, restartable on the same database and
 * port). It keeps the last lines it wrote (LOG_LEVEL=warn) for error reports.
 */
export class BenchService {
  private child?: ChildProcess;
  private inspector?: string;
  readonly output: string[] = [];
  /** How each spawned process ended (a chaos run tells its own SIGKILLs from crashes). */
  readonly exits: { code: number | null; signal: NodeJS.Signals | null }[] = [];
  /** Every line the process writes is also appended here, across restarts (chaos runs). */
  logFile?: string;
  /** Called when a spawned process exits, however it ended. */
  onExit?: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'ss-bench-data-'));
  startedAt = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly mode: ServiceMode,
    private readonly nodeArgs: string[] = [],
  ) {
    onCleanup(() => this.kill());
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the process; resolves at spawn (use `waitLive` to wait for it to listen). */
  spawn(): void {
    const child = spawn(process.execPath, serviceCommand(this.mode, this.nodeArgs), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        DATA_DIR: this.dataDir,
        ...this.env,
        PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.startedAt = performance.now();
    this.child = track(child);
    child.once('exit', (code, signal) => {
      this.exits.push({ code, signal });
      this.onExit?.({ code, signal });
    });
    this.inspector = undefined;
    const keep = (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      this.inspector ??= inspectorUrl(lines);
      this.output.push(...lines);
      this.output.splice(0, Math.max(0, this.output.length - 300));
      if (this.logFile) appendFileSync(this.logFile, chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  async waitLive(timeoutMs = 120_000): Promise<number> {
    const child = this.child;
    if (!child) throw new Error('the service was not spawned');
    let onExit: (() => void) | undefined;
    // A crash at start-up fails at once, with the service's last lines.
    const exited = new Promise<never>((_, reject) => {
      onExit = () => reject(new Error(`the service exited during start-up:\n${this.tail()}`));
      if (child.exitCode !== null || child.signalCode !== null) onExit();
      else child.once('exit', onExit);
    });
    const listening = pollUntil(
      'the service to listen',
      async () => {
        const res = await fetch(`${this.baseUrl}/health/live`).catch(() => undefined);
        return res?.ok === true;
      },
      timeoutMs,
      50,
    );
    try {
      await Promise.race([listening, exited]);
    } finally {
      if (onExit) child.off('exit', onExit);
      listening.catch(() => undefined);
      exited.catch(() => undefined);
    }
    return performance.now() - this.startedAt;
  }

  async start(): Promise<number> {
    this.spawn();
    return this.waitLive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (graceful: a --cpu-prof profile gets written), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async metricsText(): Promise<string> {
    const res = await fetch(`${this.baseUrl}/metrics`).catch((err: unknown) => {
      // Say why (the process exited? the connection was refused or reset?), with its last words.
      const exit = this.exits.at(-1);
      throw new Error(
        `GET /metrics failed (${String((err as { cause?: unknown }).cause ?? err)}); the service ${exit ? `exited (code ${exit.code}, signal ${exit.signal})` : 'is still running'}; its last output:\n${this.tail()}`,
        { cause: err },
      );
    });
    return res.text();
  }

  /** The service's CPU time so far (prom-client's process_cpu_seconds_total). */
  async cpuSeconds(): Promise<number> {
    return promValue(await this.metricsText(), 'process_cpu_seconds_total');
  }

  /** Garbage-collection pauses so far (prom-client's nodejs_gc_duration_seconds). */
  async gcPauses(): Promise<GcPauses> {
    const text = await this.metricsText();
    const total = (name: string) => [...promValues(text, name).values()].reduce((a, b) => a + b, 0);
    const le100ms = [...promValues(text, 'nodejs_gc_duration_seconds_bucket')]
      .filter(([labels]) => labels.includes('le="0.1"'))
      .reduce((a, [, v]) => a + v, 0);
    return {
      seconds: total('nodejs_gc_duration_seconds_sum'),
      over100ms: total('nodejs_gc_duration_seconds_count') - le100ms,
    };
  }

  /** Heap, RSS and event-loop lag p99 (since the previous scrape) from prom-client's defaults. */
  async sample(): Promise<ServiceSample> {
    const text = await this.metricsText();
    return {
      heapUsedBytes: promValue(text, 'nodejs_heap_size_used_bytes'),
      rssBytes: promValue(text, 'process_resident_memory_bytes'),
      lagP99Ms: promValue(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
    };
  }

  /** Live heap after a forced full GC; needs the service started with INSPECT_ARG. */
  heapAfterGc(): Promise<number> {
    const url = this.inspector;
    if (!url) throw new Error('the service was not started with --inspect');
    return heapAfterGc(url);
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }
}
