import { buildFleet, promote } from '../lib/fleet';
import { INSPECT_ARG } from '../lib/inspector';
import { forEachLimit } from '../lib/pool';
import { minRss, sampleFor } from '../lib/sampling';
import type { BenchService, ServiceSample } from '../lib/service';
import { percentile } from '../lib/stats';
import { startStack } from '../lib/stack';
import type { Scenario } from './scenario';

const KB = 1024;
const MB = 1024 * 1024;

interface Phase {
  heap: number;
  samples: ServiceSample[];
}

/**
 * N supervised sessions on one node: heap and RSS per session (all idle first, then a mix
 * of offline, ready and streaming), and the event-loop lag while holding them. Heap is
 * read after a forced full GC (inspector protocol); RSS and lag come from /metrics.
 */
export const capacity: Scenario = {
  name: 'capacity',
  summary: 'sessions per node: heap/RSS per session, event-loop lag p99',
  async run(ctx) {
    const n = ctx.sessions ?? (ctx.quick ? 500 : 20_000);
    const sampleMs = ctx.quick ? 3_000 : 15_000;
    const streaming = Math.round(n * 0.1);
    const ready = Math.round(n * 0.4);
    const plan = { streaming, ready, offline: n - streaming - ready };
    const stack = await startStack({
      overrides: ctx.serviceEnv,
      pg: await ctx.pg(),
      mode: ctx.mode,
      sessions: n,
      nodeArgs: [...ctx.serviceNodeArgs, INSPECT_ARG],
    });
    const measure = async (service: BenchService): Promise<Phase> => {
      await new Promise((r) => setTimeout(r, 2000)); // queued writes and timers settle
      const samples = await sampleFor(service, sampleMs);
      return { heap: await service.heapAfterGc(), samples };
    };
    try {
      const { api, service } = stack;
      // Warm-up: load lazily required modules and open pools before the baseline.
      const warm = await buildFleet(
        stack,
        { offline: 20, ready: 0, streaming: 0 },
        () => undefined,
        'warm-u',
      );
      await forEachLimit(warm.users, 8, (u) =>
        api.expect(200, u, 'DELETE', '/api/session').then(() => undefined),
      );
      const base = await measure(service);
      ctx.log(
        `  baseline heap ${(base.heap / MB).toFixed(1)} MB, rss ${(minRss(base.samples) / MB).toFixed(1)} MB`,
      );

      // Phase 1: every session idle (offline and resident).
      const fleet = await buildFleet(stack, { offline: n, ready: 0, streaming: 0 }, ctx.log);
      const idle = await measure(service);
      const idleHeapPer = (idle.heap - base.heap) / n;
      ctx.log(
        `  idle: heap ${(idle.heap / MB).toFixed(1)} MB → ${(idleHeapPer / KB).toFixed(1)} KB/session`,
      );

      // Phase 2: the same sessions as a mix: encoders connect, some go live on Twitch.
      fleet.streaming = fleet.users.slice(0, streaming);
      fleet.ready = fleet.users.slice(streaming, streaming + ready);
      fleet.offline = fleet.users.slice(streaming + ready);
      await promote(stack, fleet, ctx.log);
      const mixed = await measure(service);
      const mixHeapPer = (mixed.heap - base.heap) / n;
      ctx.log(
        `  mix: heap ${(mixed.heap / MB).toFixed(1)} MB → ${(mixHeapPer / KB).toFixed(1)} KB/session`,
      );
      const idleLag = idle.samples.map((s) => s.lagP99Ms);
      const lag = mixed.samples.map((s) => s.lagP99Ms);
      return {
        params: {
          sessions: n,
          mix_streaming: streaming,
          mix_ready: ready,
          mix_offline: plan.offline,
          sampleMs,
        },
        metrics: [
          {
            key: 'idle_heap_per_session_kb',
            label: 'heap per idle session',
            unit: 'KB',
            value: idleHeapPer / KB,
            target: { op: '<=', value: 25 },
          },
          {
            key: 'idle_rss_per_session_kb',
            label: 'RSS per idle session',
            unit: 'KB',
            value: (minRss(idle.samples) - minRss(base.samples)) / n / KB,
          },
          {
            key: 'idle_lag_p99_ms',
            label: 'event-loop lag p99, idle (median of 1 s windows)',
            unit: 'ms',
            value: percentile(idleLag, 50),
            target: { op: '<=', value: 20 },
          },
          {
            key: 'mixed_heap_per_session_kb',
            label: 'heap per session, mix',
            unit: 'KB',
            value: mixHeapPer / KB,
          },
          {
            key: 'mixed_rss_per_session_kb',
            label: 'RSS per session, mix (vs baseline)',
            unit: 'KB',
            value: (minRss(mixed.samples) - minRss(base.samples)) / n / KB,
          },
          {
            key: 'mixed_lag_p99_ms',
            label: 'event-loop lag p99, mix (median of 1 s windows)',
            unit: 'ms',
            value: percentile(lag, 50),
            target: { op: '<=', value: 20 },
          },
          {
            key: 'mixed_lag_p99_worst_ms',
            label: 'event-loop lag p99, mix (worst 1 s window)',
            unit: 'ms',
            value: Math.max(...lag),
          },
          {
            key: 'heap_total_mb',
            label: 'heap after GC with N sessions (mix)',
            unit: 'MB',
            value: mixed.heap / MB,
          },
          {
            key: 'rss_total_mb',
            label: 'RSS with N sessions (mix)',
            unit: 'MB',
            value: minRss(mixed.samples) / MB,
          },
        ],
        notes: [
          'heap per session = (heap after forced GC with N sessions − before) / N; RSS = lowest /metrics scrape',
          'lag p99 = prom-client nodejs_eventloop_lag_p99_seconds (10 ms resolution), one value per 1 s scrape',
          `polling pinned to the production-budget interval; CLOUDFLARE_API_BUDGET raised to 1,000,000 for provisioning`,
        ],
      };
    } finally {
      await stack.close();
    }
  },
};
