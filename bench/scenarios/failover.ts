import { buildFleet } from '../lib/fleet';
import { pollUntil } from '../lib/pool';
import { promValues, SCRAPE_EVERY_MS } from '../lib/prom-text';
import { BenchService } from '../lib/service';
import { startStack } from '../lib/stack';
import { freePort } from '../../test/helpers/free-port';
import type { Scenario } from './scenario';

/** Lease TTL of both nodes: the floor of any failover (a dead node's leases must run out). */
const LEASE_TTL_S = 3;

/**
 * Two nodes on one database. Node A holds N live sessions (ready and streaming), node B
 * none; A is SIGKILLed and the clock runs until B holds every session in the state the
 * provider's truth says (its `sessions_active` gauge).
 */
export const failover: Scenario = {
  name: 'failover',
  summary: 'SIGKILL the owner of N sessions: time until the other node holds all of them',
  async run(ctx) {
    const n = ctx.sessions ?? (ctx.quick ? 300 : 3_000);
    const streaming = Math.round(n * 0.3);
    const ready = n - streaming;
    const env = { NODE_ID: 'bench-a', LEASE_TTL: `${LEASE_TTL_S}s` };
    const stack = await startStack({
      overrides: ctx.serviceEnv,
      pg: await ctx.pg(),
      mode: ctx.mode,
      sessions: n,
      env,
      nodeArgs: ctx.serviceNodeArgs,
    });
    const b = new BenchService(await freePort(), { ...stack.env, NODE_ID: 'bench-b' }, ctx.mode);
    try {
      await b.start();
      await buildFleet(stack, { offline: 0, ready, streaming }, ctx.log);
      await new Promise((r) => setTimeout(r, 2000)); // queued session writes land
      const onB = async () => {
        const gauge = promValues(await b.metricsText(), 'sessions_active');
        return {
          ready: gauge.get('{state="ready"}') ?? 0,
          streaming: gauge.get('{state="streaming"}') ?? 0,
        };
      };
      const before = await onB();
      if (before.ready + before.streaming > 0)
        throw new Error(`node B already holds sessions: ${JSON.stringify(before)}`);

      const killedAt = performance.now();
      await stack.service.kill();
      let firstMs: number | undefined;
      await pollUntil(
        `node B to hold all ${n} sessions`,
        async () => {
          const held = await onB();
          if (firstMs === undefined && held.ready + held.streaming > 0)
            firstMs = performance.now() - killedAt;
          return held.ready === ready && held.streaming === streaming;
        },
        300_000,
        SCRAPE_EVERY_MS,
      );
      const allMs = performance.now() - killedAt;
      await pollUntil(
        'node B to verify every session against Cloudflare (sessions_unverified)',
        async () => promValues(await b.metricsText(), 'sessions_unverified').get('') === 0,
        300_000,
        SCRAPE_EVERY_MS,
      );
      const verifiedMs = performance.now() - killedAt;
      ctx.log(
        `  SIGKILL → first session on B after ${((firstMs ?? allMs) / 1000).toFixed(2)} s, all ${n} after ${(allMs / 1000).toFixed(2)} s, all verified after ${(verifiedMs / 1000).toFixed(2)} s`,
      );
      return {
        params: { sessions: n, ready, streaming, lease_ttl_s: LEASE_TTL_S },
        metrics: [
          {
            key: 'failover_s',
            label: 'SIGKILL → every session held by the survivor',
            unit: 's',
            value: allMs / 1000,
            target: { op: '<=', value: 10 },
          },
          {
            key: 'verified_s',
            label: 'SIGKILL → every session verified against Cloudflare',
            unit: 's',
            value: verifiedMs / 1000,
          },
          {
            key: 'first_claim_s',
            label: 'SIGKILL → first session claimed',
            unit: 's',
            value: (firstMs ?? allMs) / 1000,
          },
          {
            key: 'adoption_s',
            label: 'first claim → all claimed (the adoption work)',
            unit: 's',
            value: (allMs - (firstMs ?? allMs)) / 1000,
          },
        ],
        notes: [
          `LEASE_TTL=${LEASE_TTL_S}s: a dead node's leases lapse once it has not heartbeated for that long, then the survivor's orphan scan (every TTL/2) claims them in batches of 500, resumes them from their stored state and verifies them with Cloudflare in the background`,
        ],
      };
    } finally {
      await b.stop();
      await stack.close();
    }
  },
};
