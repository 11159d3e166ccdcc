import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import type { Platform } from '../../src/platforms/platform';
import { createTestDatabase } from '../helpers/database';
import { freePort } from '../helpers/free-port';
import { cloudflareEnv, TEST_JWT_SECRET } from '../helpers/test-app';
import { CrashStreamer } from './crash-streamer';
import { seededRandom } from '../helpers/seeded-random';
import { ServiceProcess, killAllServices } from './service-process';
import { SessionApi } from './session-api';

// A kill point is a random instant inside a widened window; the seed replays them all.
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRandom(SEED);
// One streamer per round. Each SIGKILL hits two windows at once, the new streamer's Start
// and the previous streamer's ending, so seven kill points cost only four restarts (each
// restart boots the TypeScript service again, which is what bounds the file's time).
const PLATFORM_SETS: Platform[][] = [
  ['twitch', 'youtube'],
  ['twitch', 'youtube', 'kick', 'facebook'],
  ['kick', 'facebook'],
  ['youtube'],
];

jest.setTimeout(110_000);

describe(`Session actors survive SIGKILL at random points (CRASH_SEED=${SEED})`, () => {
  let fake: CloudflareFake;
  let service: ServiceProcess;
  let db: Client;
  let dataDir: string;
  const streamers: CrashStreamer[] = [];
  let bystander: CrashStreamer;
  let bystanderOutputs: string[];
  const outputIds = (s: CrashStreamer) =>
    fake
      .outputsOf(s.inputId)
      .map((o) => o.uid)
      .sort();

  beforeAll(async () => {
    console.error(`session-crash: CRASH_SEED=${SEED}`);
    fake = await createCloudflareFake({ port: 0 });
    const databaseUrl = await createTestDatabase();
    const port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'crash-'));
    fake.configure({ webhookUrl: `http://127.0.0.1:${port}/webhooks/cloudflare/live-input` });
    service = new ServiceProcess(port, {
      ...cloudflareEnv(fake),
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      CLOUDFLARE_TIMEOUT: '5s',
      CLEANUP_RETRY_BASE: '200ms',
      // No periodic output verification: Start and cleanup must be idempotent on their own.
      RECONCILE_INTERVAL: '1h',
    });
    await service.start();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    // A bystander that stays live through every crash: each restart recovers a live stream.
    bystander = new CrashStreamer(
      new SessionApi(() => service.baseUrl, TEST_JWT_SECRET, 'bystander'),
      fake,
      ['twitch', 'kick'],
    );
    await bystander.prepare();
    await bystander.api.expect(202, 'POST', '/api/session/start', {
      platforms: ['twitch', 'kick'],
    });
    bystander.starts.push((await bystander.settle()).broadcast?.id ?? null);
    bystanderOutputs = outputIds(bystander);
    streamers.push(bystander);
  });

  afterAll(async () => {
    await killAllServices();
    await db?.end();
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** What the database says the session's broadcast is, right now. */
  const storedBroadcastId = async (userId: string): Promise<string | null> => {
    const r = await db.query<{ broadcast_id: string | null }>(
      'SELECT broadcast_id FROM sessions WHERE user_id = $1',
      [userId],
    );
    return r.rows[0]?.broadcast_id ?? null;
  };

  /**
   * Slows every output create and delete at the provider, runs `act`, then kills the service
   * at a seeded random instant inside that window, and restarts it on the same database.
   */
  const crashDuring = async (act: () => Promise<void>, users: string[]) => {
    const latencyMs = 300 + Math.floor(random() * 500);
    const killAfterMs = Math.floor(random() * latencyMs * 1.2);
    console.error(
      `${users.join('+')}: provider latency ${latencyMs} ms, SIGKILL after ${killAfterMs} ms`,
    );
    const faults = [
      fake.injectFault({ route: 'outputs.create', latencyMs, probability: 1 }),
      fake.injectFault({ route: 'outputs.delete', latencyMs, probability: 1 }),
    ];
    await act();
    // The kill point itself: a chosen instant, not a wait for something to happen.
    await new Promise((r) => setTimeout(r, killAfterMs));
    const before = new Map<string, string | null>();
    for (const u of users) before.set(u, await storedBroadcastId(u));
    await service.kill();
    faults.forEach((f) => fake.removeFault(f));
    await service.start();
    return before;
  };

  const expectAllSound = async (scope: CrashStreamer[]) => {
    const problems: string[] = [];
    for (const s of scope) problems.push(...(await s.problems(await s.settle())));
    if (problems.length > 0) console.error(`service output:\n${service.tail()}`);
    expect(problems).toEqual([]);
  };

  it.each(PLATFORM_SETS.map((p, i) => [`crash${i + 1}`, p] as const))(
    'kills %s during Start (on %j) and the previous streamer during ending; both recover',
    async (userId, platforms) => {
      const s = new CrashStreamer(
        new SessionApi(() => service.baseUrl, TEST_JWT_SECRET, userId),
        fake,
        [...platforms],
      );
      await s.prepare();
      const ending = streamers.length > 1 ? streamers.at(-1) : undefined;
      streamers.push(s);

      const before = await crashDuring(async () => {
        await s.api.expect(202, 'POST', '/api/session/start', { platforms, title: userId });
        if (ending) await ending.api.expect(202, 'POST', '/api/session/stop');
      }, [s.userId, ...(ending ? [ending.userId] : [])]);

      const started = await s.settle();
      s.starts.push(before.get(s.userId) ?? null);
      // Stored before the kill: the same broadcast carried on, and went live.
      if (before.get(s.userId)) expect(started.state).toBe('streaming');
      if (started.state === 'streaming') {
        expect(started.broadcast?.id).toBe(before.get(s.userId));
      } else {
        // The Start was lost with the process (nothing stored yet): go live again.
        await s.api.expect(202, 'POST', '/api/session/start', { platforms, title: userId });
        const v = await s.settle();
        s.starts[s.starts.length - 1] = v.broadcast?.id ?? null;
        expect(v.state).toBe('streaming');
      }

      if (ending) {
        const ended = await ending.settle();
        // Null when cleanup had already finished at the kill.
        expect([ending.starts.at(-1), null]).toContain(before.get(ending.userId));
        expect(ended.state).toBe('ready'); // the encoder is still connected
        const last = (await ending.api.broadcasts()).find((b) => b.id === ending.starts.at(-1));
        expect(last).toMatchObject({ endReason: 'stop' });
        expect(last?.endedAt).not.toBeNull();
      }
      // Every earlier streamer was recovered by each restart too: all still sound.
      await expectAllSound(streamers);
      // The live bystander came back exactly as it was: same outputs, same broadcast.
      expect(outputIds(bystander)).toEqual(bystanderOutputs);
      expect((await bystander.settle()).broadcast?.id).toBe(bystander.starts[0]);
    },
  );
});
