import { ClientProcess } from '../lib/client-process';
import { buildFleet } from '../lib/fleet';
import { machineCpu, machineShares } from '../lib/machine';
import { queryOne } from '../lib/postgres';
import { startStack } from '../lib/stack';
import type { Metric, Scenario } from './scenario';

/** How long the idle node's CPU is sampled before the webhooks start. */
const IDLE_SAMPLE_MS = 5_000;
/**
 * Lower offered rates, measured before the main one: the latency of the path itself
 * (parse, lookup, durable write, broadcast) apart from queueing. The churn model of the
 * cloudflare-budget scenario gives about 4 input webhooks per second for 10,000 sessions.
 */
const PATH_RATES = [25, 50, 100];
const PATH_RATES_QUICK = [25];

/**
 * Cloudflare "live input connected/disconnected" notification → `transition` on the
 * streamer's dashboard socket, timed in the client process (one clock for both ends).
 */
export const webhookLatency: Scenario = {
  name: 'webhook-latency',
  summary: 'input webhook → socket `transition` latency, p50/p95/p99',
  async run(ctx) {
    const n = ctx.sessions ?? (ctx.quick ? 500 : 10_000);
    const socketsN = Math.min(n, ctx.quick ? 100 : 1_000);
    const durationMs = ctx.quick ? 5_000 : 30_000;
    const ratePerSec = ctx.quick ? 100 : 200;
    const stack = await startStack({
      overrides: ctx.serviceEnv,
      pg: await ctx.pg(),
      mode: ctx.mode,
      sessions: n,
      nodeArgs: ctx.serviceNodeArgs,
    });
    const client = new ClientProcess();
    try {
      const fleet = await buildFleet(stack, { offline: n, ready: 0, streaming: 0 }, ctx.log);
      const watched = fleet.users.slice(0, socketsN);
      const users = await Promise.all(
        watched.map(async (userId) => ({ userId, token: await stack.api.token(userId) })),
      );
      const c = await client.request({ kind: 'connect', url: stack.service.baseUrl, users });
      ctx.log(
        `  ${c.connected} sockets connected in ${(c.ms / 1000).toFixed(1)} s (${c.failed} failed${c.firstError ? `: ${c.firstError}` : ''})`,
      );
      if (c.connected < socketsN)
        throw new Error(`only ${c.connected}/${socketsN} sockets connected`);
      const targets = watched.map((userId) => ({
        userId,
        inputId: fleet.inputOf.get(userId) ?? '',
      }));
      // What the node spends with nothing happening (lease renewals, monitors, timers).
      const idleCpuBefore = await stack.service.cpuSeconds();
      await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
      const idleCpuShare =
        ((await stack.service.cpuSeconds()) - idleCpuBefore) / (IDLE_SAMPLE_MS / 1000);
      const webhooks = (rate: number, durationMs: number) =>
        client.request({
          kind: 'webhook-latency',
          url: stack.service.baseUrl,
          secret: stack.webhookSecret ?? '',
          fakeOrigin: stack.fake?.origin ?? '',
          targets,
          durationMs,
          ratePerSec: rate,
          timeoutMs: 10_000,
        });
      // Warm-up: JIT, connection pools, the first activation paths.
      await webhooks(ratePerSec, 2_000);
      const atRates: Metric[] = [];
      for (const rate of ctx.quick ? PATH_RATES_QUICK : PATH_RATES) {
        const at = await webhooks(rate, durationMs / 2);
        ctx.log(
          `  ${rate}/s: p50 ${at.latencyMs.p50.toFixed(1)} ms, p99 ${at.latencyMs.p99.toFixed(1)} ms (${at.received}/${at.sent})`,
        );
        for (const q of ['p50', 'p99'] as const)
          atRates.push({
            key: `${q}_ms_at_${rate}`,
            label: `webhook → transition ${q} at ${rate} webhooks/s`,
            unit: 'ms',
            value: at.latencyMs[q],
          });
        atRates.push({
          key: `lost_at_${rate}`,
          label: `transitions not seen within 10 s at ${rate}/s`,
          unit: 'count',
          value: at.timeouts,
          target: { op: '<=', value: 0 },
        });
      }
      const commits = () =>
        queryOne<{ n: string }>(
          stack.databaseUrl,
          'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
        ).then((x) => Number(x.n));
      const commitsBefore = await commits();
      const cpuBefore = await stack.service.cpuSeconds();
      const gcBefore = await stack.service.gcPauses();
      const machineBefore = machineCpu();
      const r = await webhooks(ratePerSec, durationMs);
      const cpuMsPerWebhook =
        (((await stack.service.cpuSeconds()) - cpuBefore) * 1000) / Math.max(1, r.sent);
      const gcAfter = await stack.service.gcPauses();
      const machine = machineShares(machineBefore, machineCpu());
      const txPerWebhook = (await commits()) - commitsBefore;
      ctx.log(
        `  sent ${r.sent}, received ${r.received}, timeouts ${r.timeouts}, http errors ${r.httpErrors}`,
      );
      return {
        params: { sessions: n, sockets: socketsN, ratePerSec, durationMs },
        metrics: [
          { key: 'p50_ms', label: 'webhook → transition p50', unit: 'ms', value: r.latencyMs.p50 },
          { key: 'p95_ms', label: 'webhook → transition p95', unit: 'ms', value: r.latencyMs.p95 },
          {
            key: 'p99_ms',
            label: 'webhook → transition p99',
            unit: 'ms',
            value: r.latencyMs.p99,
            target: { op: '<=', value: 15 },
          },
          { key: 'max_ms', label: 'webhook → transition max', unit: 'ms', value: r.latencyMs.max },
          {
            key: 'lost',
            label: 'transitions not seen within 10 s',
            unit: 'count',
            value: r.timeouts,
            target: { op: '<=', value: 0 },
          },
          { key: 'samples', label: 'samples', unit: 'count', value: r.received },
          {
            key: 'achieved_rate',
            label: 'webhooks per second achieved (one in flight per socket)',
            unit: '/s',
            value: r.sent / (durationMs / 1000),
          },
          {
            key: 'idle_cpu_pct',
            label: 'service CPU before the webhooks (idle sessions)',
            unit: '%',
            value: idleCpuShare * 100,
          },
          {
            key: 'cpu_ms_per_webhook',
            label: 'service CPU per webhook (all of its work meanwhile)',
            unit: 'ms',
            value: cpuMsPerWebhook,
          },
          {
            key: 'gc_ms_per_s',
            label: 'service GC pauses, ms per second',
            unit: 'ms',
            value: ((gcAfter.seconds - gcBefore.seconds) * 1000) / (durationMs / 1000),
          },
          {
            key: 'gc_pauses_over_100ms',
            label: 'service GC pauses over 100 ms',
            unit: 'count',
            value: gcAfter.over100ms - gcBefore.over100ms,
          },
          ...(machine
            ? [
                {
                  key: 'machine_busy_pct',
                  label: 'whole machine busy (all processes, both cores)',
                  unit: '%',
                  value: machine.busyPct,
                },
                {
                  key: 'machine_steal_pct',
                  label: 'CPU stolen by the hypervisor (a noisy host)',
                  unit: '%',
                  value: machine.stealPct,
                },
              ]
            : []),
          ...atRates,
          {
            key: 'db_tx_per_webhook',
            label: 'PostgreSQL transactions per webhook (all sources)',
            unit: 'tx',
            value: txPerWebhook / Math.max(1, r.sent),
          },
        ],
      };
    } finally {
      await client.close();
      await stack.close();
    }
  },
};
