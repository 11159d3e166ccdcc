/**
 * `npm run bench -- [scenario ...] [--quick] [--runs N] [--sessions N] [--dist] [--cpu-prof] [--node-arg=F] [--env K=V]`
 *
 * Runs each scenario against the real service process (see bench/README.md), prints a
 * table per scenario, merges the medians into bench/results/<date>.json and redraws
 * bench/results/latest.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './lib/build';
import { cleanupAll } from './lib/children';
import { machineInfo } from './lib/machine';
import { BenchPostgres } from './lib/postgres';
import type { ServiceMode } from './lib/service';
import { aggregate, RESULTS_DIR, saveResults, type ScenarioResult } from './report/results';
import { renderSvg } from './report/svg';
import { formatTable } from './report/table';
import { capacity } from './scenarios/capacity';
import { chatFanin } from './scenarios/chat-fanin';
import { cloudflareBudget } from './scenarios/cloudflare-budget';
import { failover } from './scenarios/failover';
import { recovery } from './scenarios/recovery';
import type { RunOutput, Scenario } from './scenarios/scenario';
import { webhookLatency } from './scenarios/webhook-latency';

const SCENARIOS: Scenario[] = [
  capacity,
  webhookLatency,
  chatFanin,
  cloudflareBudget,
  recovery,
  failover,
];
/** Hard stop for the whole bench: it always ends by itself. */
const GLOBAL_TIMEOUT_MS = 3 * 3600_000;

interface Options {
  names: string[];
  quick: boolean;
  runs: number;
  sessions?: number;
  mode: ServiceMode;
  cpuProf: boolean;
  /** Node/V8 flags for the service (`--node-arg=--max-semi-space-size=32`). */
  nodeArgs: string[];
  /** Environment for the service (`--env LEASE_TTL=1h`), over the scenario's own. */
  env: Record<string, string>;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    names: [],
    quick: false,
    runs: 3,
    mode: 'ts-node',
    cpuProf: false,
    nodeArgs: [],
    env: {},
  };
  let runsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--dist') opts.mode = 'dist';
    else if (a === '--cpu-prof') opts.cpuProf = true;
    else if (a.startsWith('--node-arg=')) opts.nodeArgs.push(a.slice('--node-arg='.length));
    else if (a === '--env') {
      const [key, ...value] = (argv[++i] ?? '').split('=');
      if (!key || value.length === 0) throw new Error('--env needs KEY=VALUE');
      opts.env[key] = value.join('=');
    } else if (a === '--runs' || a === '--sessions') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive integer`);
      if (a === '--runs') {
        opts.runs = v;
        runsGiven = true;
      } else opts.sessions = v;
    } else if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (SCENARIOS.some((s) => s.name === a)) opts.names.push(a);
    else throw new Error(`unknown argument "${a}"\n${usage()}`);
  }
  if (opts.quick && !runsGiven) opts.runs = 1;
  if (opts.names.length === 0) opts.names = SCENARIOS.map((s) => s.name);
  return opts;
}

function usage(): string {
  return [
    'usage: npm run bench -- [scenario ...] [--quick] [--runs N] [--sessions N] [--dist] [--cpu-prof] [--node-arg=F] [--env K=V]',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(18)} ${s.summary}`),
    '  --quick      small version (each scenario well under a minute), 1 run unless --runs',
    '  --runs N     runs per scenario; the median is reported (default 3)',
    '  --sessions N override the scenario size',
    '  --dist       run the built service (dist/src/main.js, rebuilt when older than the sources) instead of ts-node',
    `  --cpu-prof   write V8 CPU profiles of the service to ${path.join(tmpdir(), 'ss-bench-profiles')}`,
    "  --env K=V    set K=V in the service's environment (repeatable), over the scenario's own",
    "  --node-arg=F pass the flag F to the service's node (repeatable), e.g. --node-arg=--max-semi-space-size=32",
  ].join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.mode === 'dist') ensureBuilt((line) => console.log(`bench: ${line}`));
  const machine = machineInfo();
  console.log(
    `bench: ${machine.cpus} × ${machine.cpuModel}, ${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${machine.node}; service via ${opts.mode}${opts.quick ? '; quick' : ''}`,
  );
  let pg: Promise<BenchPostgres> | undefined;
  const profileDir = path.join(tmpdir(), 'ss-bench-profiles');
  if (opts.cpuProf) {
    mkdirSync(profileDir, { recursive: true });
    console.log(`bench: CPU profiles of the service go to ${profileDir}`);
  }
  for (const name of opts.names) {
    const scenario = SCENARIOS.find((s) => s.name === name)!;
    const outputs: RunOutput[] = [];
    for (let run = 1; run <= opts.runs; run++) {
      console.log(`\n▶ ${name} run ${run}/${opts.runs}${opts.quick ? ' (quick)' : ''}`);
      const t0 = performance.now();
      outputs.push(
        await scenario.run({
          quick: opts.quick,
          mode: opts.mode,
          pg: () => (pg ??= BenchPostgres.start()),
          serviceNodeArgs: [
            ...opts.nodeArgs,
            ...(opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
          ],
          serviceEnv: opts.env,
          sessions: opts.sessions,
          log: (line) => console.log(line),
        }),
      );
      console.log(`  run took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const result = aggregate(name, outputs, { quick: opts.quick, serviceMode: opts.mode });
    console.log(`\n${formatTable(result)}`);
    // Saved at once: a later scenario that fails must not lose this one's runs.
    const { file, all } = saveResults(machine, [result]);
    const svgFile = path.join(RESULTS_DIR, 'latest.svg');
    writeFileSync(svgFile, renderSvg(preferFull(Object.values(all.results)), machine));
    console.log(
      `\nresults: ${path.relative(process.cwd(), file)}, chart: ${path.relative(process.cwd(), svgFile)}`,
    );
  }
}

/** One entry per scenario for the chart: the full run when there is one. */
function preferFull(results: ScenarioResult[]): ScenarioResult[] {
  const order = SCENARIOS.map((s) => s.name);
  return order
    .map(
      (name) =>
        results.find((r) => r.scenario === name && !r.quick) ??
        results.find((r) => r.scenario === name),
    )
    .filter((r): r is ScenarioResult => r !== undefined);
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${GLOBAL_TIMEOUT_MS / 60_000} min; stopping`);
  void cleanupAll().finally(() => process.exit(2));
}, GLOBAL_TIMEOUT_MS);
watchdog.unref();

main()
  .then(() => cleanupAll())
  .then(() => process.exit(0))
  .catch(async (err: unknown) => {
    console.error(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    await cleanupAll();
    process.exit(1);
  });
