import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../helpers/free-port';
import { waitFor } from '../helpers/wait-for';

const root = path.resolve(__dirname, '../..');

/** The real entry point, as `npm start` runs it (transpiled on the fly instead of built). */
function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, TS_NODE_PROJECT: 'tsconfig.json' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('start-up with a bad setting', () => {
  it('exits 1 with one line naming the variable, and no stack trace', () => {
    const res = runMain({ PORT: 'not-a-port' });
    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toEqual([
      'Configuration error: PORT must be an integer from 0 to 65535 (got "not-a-port")',
    ]);
    expect(res.stdout).not.toMatch(/Listening/);
  });
});

describe('start-up with no DATABASE_URL (embedded PostgreSQL)', () => {
  it('starts, answers readiness, keeps its data directory, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-start-'));
    const port = await freePort();
    const env = {
      ...process.env,
      TS_NODE_PROJECT: 'tsconfig.json',
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_FORMAT: 'json',
      DATABASE_URL: '',
      // A loaded CI machine can be slow to close everything; the point here is a clean exit.
      SHUTDOWN_TIMEOUT: '45s',
    };
    const boot = async () => {
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
        { cwd: root, env },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (out.includes('Listening on')) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`exited early with ${code}: ${out}`));
        });
      });
      return { child, exited, output: () => out };
    };

    const first = await boot();
    // Sessions are recovered in the background; readiness waits for that.
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
      'readiness',
    );
    expect(first.output()).toContain('Initialising embedded PostgreSQL');
    expect(first.output()).toContain('/docs');
    expect(first.output()).toContain('npm run token');
    const secret = fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8');
    first.child.kill('SIGTERM');
    const firstCode = await first.exited;
    if (firstCode !== 0)
      throw new Error(`first shutdown exited ${firstCode}:\n${first.output().slice(-3000)}`);
    expect(first.output()).toContain('Shutdown complete');
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // Second start: same cluster, no re-initialisation, same dev secret.
    const second = await boot();
    expect(second.output()).not.toContain('Initialising embedded PostgreSQL');
    expect(fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(secret);
    second.child.kill('SIGTERM');
    const code = await second.exited;
    if (code !== 0)
      throw new Error(`second shutdown exited ${code}:\n${second.output().slice(-3000)}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 150_000);
});
