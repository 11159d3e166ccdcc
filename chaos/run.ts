/**
 * `npm run chaos -- [--quick] [--seed N] [--runs N]`
 *
 * Three real service nodes on one PostgreSQL, a workload of streamers, and one fault after
 * another (node SIGKILLs, Cloudflare 5xx/429/latency storms, platform disconnect storms,
 * PostgreSQL restarts). Then the streamers settle on final wishes, and the run checks
 * every invariant against the fakes' truth and the database, fuzzes every route, webhook
 * and socket command, prints the tables, and exits non-zero on any violation. Loopback
 * only; every phase has a deadline, so it always stops by itself.
 */
import { ensureBuilt } from '../bench/lib/build';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import * as path from 'node:path';
import { cleanupAll } from '../bench/lib/children';
import { machineInfo } from '../bench/lib/machine';
import { ChaosCluster } from './cluster';
import { FaultInjector, FAULT_KINDS } from './faults';
import { runFuzz, type FuzzReport } from './fuzz';
import { checkInvariants, type InvariantResult } from './invariants';
import { Rng } from './rng';
import { sleep, Workload, type Target } from './workload';

interface Profile {
  users: number;
  /** The fault phase lasts at least this long, and injects every kind at least once. */
  faultPhaseMs: number;
  /** Scales pauses and fault lengths. */
  pace: number;
  postgresOutagesMs: number[];
  settleMs: number;
  httpFuzzCases: number;
  socketFuzzCases: number;
}

const PROFILES: Record<'quick' | 'full', Profile> = {
  quick: {
    users: 10,
    faultPhaseMs: 0,
    pace: 0.5,
    postgresOutagesMs: [3_000],
    settleMs: 45_000,
    httpFuzzCases: 600,
    socketFuzzCases: 150,
  },
  full: {
    users: 40,
    faultPhaseMs: 150_000,
    pace: 1,
    postgresOutagesMs: [30_000, 4_000],
    settleMs: 90_000,
    httpFuzzCases: 10_000,
    socketFuzzCases: 2_000,
  },
};
/** Hard stop for one run, whatever happens. */
const RUN_TIMEOUT_MS = { quick: 120_000, full: 15 * 60_000 };

interface Options {
  quick: boolean;
  seed: number;
  runs: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { quick: false, seed: Date.now() % 1_000_000, runs: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--seed' || a === '--runs') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      if (a === '--seed') opts.seed = v;
      else opts.runs = Math.max(1, v);
    } else if (a === '--help' || a === '-h') {
      console.log('npm run chaos -- [--quick] [--seed N] [--runs N]');
      process.exit(0);
    } else throw new Error(`unknown argument "${a}" (try --help)`);
  }
  return opts;
}

const log = (line: string) =>
  console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function runOnce(profile: Profile, seed: number): Promise<boolean> {
  const rng = new Rng(seed);
  const started = Date.now();
  log(`seed ${seed}: starting PostgreSQL, the fakes and 3 nodes`);
  const logDir = path.join(tmpdir(), `ss-chaos-${seed}-${Date.now().toString(36)}`);
  const cluster = await ChaosCluster.start(3, rng.next, logDir);
  const workload = new Workload(cluster, rng);
  try {
    log(
      `nodes up: ${cluster.nodes.map((n) => n.id).join(', ')}; setting up ${profile.users} streamers`,
    );
    await workload.setUp(profile.users);

    log(`fault phase: ${profile.faultPhaseMs / 1000} s of streamer actions under faults`);
    const actors = workload.run();
    const faults = new FaultInjector(cluster, rng);
    await faults.run({
      durationMs: profile.faultPhaseMs,
      rounds: 1,
      pace: profile.pace,
      postgresOutagesMs: profile.postgresOutagesMs,
    });
    await actors.stop();

    log('settling: faults over, every streamer moves to a final wish');
    cluster.cloudflare.clearFaults();
    const targets = new Map<string, Target>(
      workload.users.map((u) => [
        u.id,
        rng.pick<Target>(['offline', 'ready', 'streaming', 'streaming']),
      ]),
    );
    const settled = await settle(workload, targets, profile.settleMs);
    log(`settled ${settled}/${workload.users.length} sessions`);
    await sleep(1500); // one more write/flush cycle before reading the database

    log(
      `fuzzing: ${profile.httpFuzzCases} HTTP/webhook cases, ${profile.socketFuzzCases} socket cases`,
    );
    const invariantsBeforeFuzz = await checkInvariants(cluster, workload.users, targets);
    const fuzz = await runFuzz(cluster, rng, {
      httpCases: profile.httpFuzzCases,
      socketCases: profile.socketFuzzCases,
      victims: workload.users.map((u) => u.id),
    });
    const fuzzChecks = (await checkInvariants(cluster, [], new Map(), fuzz)).filter(
      (r) => r.name.startsWith('fuzz') || r.name === '0 node crashes',
    );
    const results = [
      ...invariantsBeforeFuzz.filter((r) => r.name !== '0 node crashes'),
      ...fuzzChecks,
    ];

    printFaults(faults, workload, cluster);
    printInvariants(results, fuzz);
    const ok = results.every((r) => r.violations === 0);
    log(`${ok ? 'PASS' : 'FAIL'} (seed ${seed}) in ${Math.round((Date.now() - started) / 1000)} s`);
    if (!ok) {
      await printHistories(cluster, results);
      log(`the nodes' logs (warnings and errors) are in ${logDir}`);
      for (const n of cluster.nodes)
        console.log(`--- last lines of ${n.id} ---\n${n.service.tail(15)}`);
    }
    return ok;
  } finally {
    await workload.close();
    await cluster.close().catch(() => undefined);
  }
}

/** Steers every session to its final wish until all are there or the deadline passes. */
async function settle(
  workload: Workload,
  targets: Map<string, Target>,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const done = new Set<string>();
  while (Date.now() < deadline) {
    await Promise.all(
      workload.users.map(async (u) => {
        const there = await workload.steer(u, targets.get(u.id)!).catch(() => false);
        if (there) done.add(u.id);
        else done.delete(u.id);
      }),
    );
    if (done.size === workload.users.length) return done.size;
    await sleep(500);
  }
  return done.size;
}

/** The transition log of every streamer a violation names, to read next to the node logs. */
async function printHistories(cluster: ChaosCluster, results: InvariantResult[]): Promise<void> {
  const named = new Set(results.flatMap((r) => r.examples.join(' ').match(/chaos-u\d+/g) ?? []));
  if (named.size === 0) return;
  const db = new Client({ connectionString: cluster.pg.url });
  await db.connect();
  try {
    for (const userId of named) {
      const rows = await db.query<{ from: string; to: string; reason: string; at: Date }>(
        'SELECT "from", "to", reason, at FROM session_transitions WHERE user_id = $1 ORDER BY id',
        [userId],
      );
      console.log(`--- ${userId}: ${rows.rows.length} transitions ---`);
      for (const t of rows.rows.slice(-12))
        console.log(`  ${t.at.toISOString().slice(11, 23)} ${t.from} → ${t.to} (${t.reason})`);
    }
  } finally {
    await db.end();
  }
}

function printFaults(faults: FaultInjector, workload: Workload, cluster: ChaosCluster): void {
  console.log('\n## Faults injected');
  const rows = FAULT_KINDS.map((kind) => {
    const of = faults.log.filter((f) => f.kind === kind);
    return [
      kind,
      String(of.length),
      `${(of.reduce((s, f) => s + f.durationMs, 0) / 1000).toFixed(1)} s`,
    ];
  });
  table(['fault', 'count', 'total time'], rows);
  for (const f of faults.log)
    console.log(`  · ${new Date(f.startedAt).toISOString().slice(11, 19)} ${f.kind}: ${f.detail}`);
  const actions = Object.entries(workload.stats.actions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const statuses = Object.entries(workload.stats.statuses)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`  · streamer actions: ${actions}`);
  console.log(`  · answers during the fault phase: ${statuses}`);
  console.log(
    `  · load balancer: ${cluster.lb.forwarded} forwarded, ${cluster.lb.retried} retried on another node, ${cluster.lb.unreachable} unreachable; dashboards reconnected ${workload.stats.dashboardReconnects} times`,
  );
}

function printInvariants(results: InvariantResult[], fuzz: FuzzReport): void {
  console.log('\n## Invariants');
  table(
    ['invariant', 'checked', 'violations', ''],
    results.map((r) => [
      r.name,
      String(r.checked),
      String(r.violations),
      r.violations ? 'FAIL' : 'ok',
    ]),
  );
  console.log(`  · fuzz: ${fuzz.httpCases} HTTP/webhook cases, ${fuzz.socketCases} socket cases`);
  for (const r of results) for (const e of r.examples) console.log(`  ✗ ${r.name}: ${e}`);
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  ensureBuilt(log);
  const profile = PROFILES[opts.quick ? 'quick' : 'full'];
  const m = machineInfo();
  log(`${opts.quick ? 'quick' : 'full'} run on ${m.cpus}× ${m.cpuModel}, Node ${m.node}`);
  let passes = 0;
  for (let i = 0; i < opts.runs; i++) {
    const seed = opts.seed + i;
    const timeout = RUN_TIMEOUT_MS[opts.quick ? 'quick' : 'full'];
    const ok = await Promise.race([
      runOnce(profile, seed),
      sleep(timeout).then(() => {
        log(`run ${i + 1} passed its ${timeout / 1000} s deadline`);
        return false;
      }),
    ]);
    if (!ok) break;
    passes++;
  }
  log(`${passes}/${opts.runs} runs passed`);
  await cleanupAll();
  process.exit(passes === opts.runs ? 0 : 1);
}

main().catch(async (err: unknown) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
