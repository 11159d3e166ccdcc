import 'reflect-metadata';
import type { CloudflareStreamPort, RequestBudget } from '../../libs/cloudflare';
import { loadConfig } from '../../src/config/app-config';
import { InputObserver } from '../../src/sessions/input-observer';
import type { IngestService } from '../../src/streams/ingest.service';
import { simulatePolling, type ChurnModel, type PollPolicy } from '../lib/poll-simulation';
import type { Scenario } from './scenario';

const MIN = 60_000;
const NAIVE_MS = 15_000;

/**
 * A simulated hour of fallback polling for N active sessions with encoder churn, with the
 * service's real policy (InputObserver.pollDelayMs) and budget (RequestBudget, ManualClock),
 * against naive fixed 15 s polling. No service process: pure simulation.
 */
export const cloudflareBudget: Scenario = {
  name: 'cloudflare-budget',
  summary: 'simulated hour of polling: requests per 5-min window vs the account budget',
  async run(ctx) {
    const sessions = ctx.sessions ?? (ctx.quick ? 2_000 : 10_000);
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const cf = config.cloudflare;
    // pollDelayMs only reads the configuration; the ports are never called here.
    const observer = new InputObserver(
      config,
      {} as CloudflareStreamPort,
      null,
      {} as IngestService,
      {} as RequestBudget,
    );
    const policy: PollPolicy = (a) => observer.pollDelayMs(a);
    const churn: ChurnModel = {
      offlineMeanMs: 40 * MIN,
      readyMeanMs: 3 * MIN,
      streamingMeanMs: 45 * MIN,
    };
    const common = {
      sessions,
      durationMs: 60 * MIN,
      windowMs: cf.budgetWindowMs,
      budget: cf.budgetRequests,
      churn,
      seed: 42,
    };
    const t0 = performance.now();
    // session.machine.ts: a state change re-plans the next poll; it never polls at once.
    const real = simulatePolling({ ...common, policy, pollOnWake: false });
    const pollOnWake = simulatePolling({ ...common, policy, pollOnWake: true });
    const naive = simulatePolling({ ...common, policy: () => NAIVE_MS, pollOnWake: false });
    ctx.log(
      `  simulated ${sessions} sessions × 1 h three times in ${(
        (performance.now() - t0) /
        1000
      ).toFixed(1)} s (${real.transitions} transitions)`,
    );
    const maxReal = Math.max(...real.attemptedPerWindow);
    const maxNaive = Math.max(...naive.attemptedPerWindow);
    ctx.log(`  policy per window: ${real.attemptedPerWindow.join(' ')}`);
    ctx.log(`  naive  per window: ${naive.attemptedPerWindow.join(' ')}`);
    const floorMs = observer.pollDelayMs({ phase: 'stable', state: 'offline', sessions });
    // The output manager lists a streaming session's outputs every
    // max(RECONCILE_INTERVAL, the floor for a quarter of the budget) (session-registry.ts).
    const streamingShare =
      churn.streamingMeanMs / (churn.offlineMeanMs + churn.readyMeanMs + churn.streamingMeanMs);
    const verifyEveryMs = Math.max(
      config.session.reconcileIntervalMs,
      observer.budgetFloorMs(sessions, 0.25),
    );
    const verifyPerWindow = sessions * streamingShare * (cf.budgetWindowMs / verifyEveryMs);
    return {
      params: {
        sessions,
        hours: 1,
        budget: cf.budgetRequests,
        windowMs: cf.budgetWindowMs,
        pollFastMs: cf.pollFastMs,
        pollSlowMs: cf.pollSlowMs,
      },
      metrics: [
        {
          key: 'policy_max_window',
          label: 'policy: most requests in a 5-min window',
          unit: 'req',
          value: maxReal,
          target: { op: '<=', value: cf.budgetRequests },
        },
        {
          key: 'policy_mean_window',
          label: 'policy: mean requests per window',
          unit: 'req',
          value: mean(real.attemptedPerWindow),
        },
        {
          key: 'poll_on_wake_max_window',
          label: 'before the fix (a wake polled at once): most in a window',
          unit: 'req',
          value: Math.max(...pollOnWake.attemptedPerWindow),
        },
        {
          key: 'policy_denied',
          label: 'policy: polls refused by the budget',
          unit: 'req',
          value: real.denied,
        },
        {
          key: 'naive_max_window',
          label: 'naive 15 s: most requests in a 5-min window',
          unit: 'req',
          value: maxNaive,
        },
        {
          key: 'naive_over_policy',
          label: 'naive ÷ policy (max window)',
          unit: '×',
          value: maxNaive / Math.max(1, maxReal),
        },
        {
          key: 'verify_per_window',
          label: 'output checks per window (steady state)',
          unit: 'req',
          value: verifyPerWindow,
        },
        {
          key: 'total_max_window',
          label: 'polls + output checks: most in a window',
          unit: 'req',
          value: maxReal + verifyPerWindow,
          target: { op: '<=', value: cf.budgetRequests },
        },
        {
          key: 'poll_interval_s',
          label: `policy poll interval at ${sessions} sessions`,
          unit: 's',
          value: floorMs / 1000,
        },
      ],
      notes: [
        'churn: offline ~40 min, ready ~3 min, streaming ~45 min (exponential), steady state at t=0',
        'a state change wakes the inputMonitor loop only to re-plan its next poll (session.machine.ts)',
        'Start/stop output calls come on top (a few per transition of a streaming session)',
        `at this size the poll floor (sessions × window ÷ (budget × 0.5)) dominates: a missed webhook is noticed only after ~${Math.round(floorMs / MIN)} min`,
      ],
    };
  },
};

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
