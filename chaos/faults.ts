import type { ChaosCluster } from './cluster';
import type { Rng } from './rng';
import { sleep } from './workload';

export type FaultKind = 'node SIGKILL' | 'cloudflare storm' | 'platform storm' | 'postgres restart';
export const FAULT_KINDS: readonly FaultKind[] = [
  'node SIGKILL',
  'cloudflare storm',
  'platform storm',
  'postgres restart',
];

export interface FaultRecord {
  kind: FaultKind;
  detail: string;
  startedAt: number;
  durationMs: number;
}

export interface FaultPlan {
  /** How long the fault phase lasts at least; faults follow one another until then. */
  durationMs: number;
  /** Every kind is injected at least this often, however short `durationMs` is. */
  rounds: number;
  /** Scales the pauses and fault lengths (the quick run uses shorter ones). */
  pace: number;
  /** Database outages, in order; the last value repeats (the full run has one of 30 s). */
  postgresOutagesMs: number[];
}

/**
 * Injects one fault at a time, in a seeded order that contains every kind before any
 * repeats: a node SIGKILLed and restarted, a storm of Cloudflare 5xx / 429 / latency /
 * resets, every platform chat connection dropped again and again, a PostgreSQL restart.
 * Faults do not overlap: each one is over (and its node or database back) before the
 * next starts, which is the single-fault model the README describes.
 */
export class FaultInjector {
  readonly log: FaultRecord[] = [];
  private stopped = false;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly rng: Rng,
  ) {}

  async run(plan: FaultPlan): Promise<void> {
    const end = Date.now() + plan.durationMs;
    let queue: FaultKind[] = [];
    let pgOutages = 0;
    let rounds = 0;
    this.pace = plan.pace;
    while (!this.stopped && (Date.now() < end || rounds < plan.rounds || queue.length > 0)) {
      if (queue.length === 0) {
        queue = this.rng.shuffle(FAULT_KINDS);
        rounds++;
      }
      const kind = queue.shift()!;
      const startedAt = Date.now();
      let detail: string;
      switch (kind) {
        case 'node SIGKILL':
          detail = await this.killNode();
          break;
        case 'cloudflare storm':
          detail = await this.cloudflareStorm();
          break;
        case 'platform storm':
          detail = await this.platformStorm();
          break;
        case 'postgres restart': {
          const outages = plan.postgresOutagesMs;
          const ms = outages[Math.min(pgOutages++, outages.length - 1)];
          detail = await this.postgresRestart(ms);
          break;
        }
      }
      this.log.push({ kind, detail, startedAt, durationMs: Date.now() - startedAt });
      await this.pause(1000, 3000); // the cluster works normally for a moment
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private pace = 1;

  /** A random pause in [min, max] ms, scaled by the plan's pace; returns its length. */
  private async pause(min: number, max: number): Promise<number> {
    const ms = Math.round(this.rng.int(min, max) * this.pace);
    await sleep(ms);
    return ms;
  }

  private async killNode(): Promise<string> {
    const node = this.rng.pick(this.cluster.upNodes());
    await this.cluster.killNode(node);
    const downMs = await this.pause(500, 3000);
    await this.cluster.startNode(node);
    return `${node.id} killed, restarted after ${downMs} ms`;
  }

  private async cloudflareStorm(): Promise<string> {
    const cf = this.cluster.cloudflare;
    const ids = [
      cf.injectFault({ route: '*', status: 500, probability: 0.2 }),
      cf.injectFault({ route: '*', status: 503, probability: 0.1 }),
      cf.injectFault({ route: '*', status: 429, retryAfter: 1, probability: 0.15 }),
      cf.injectFault({ route: '*', latencyMs: 1500, probability: 0.2 }),
      cf.injectFault({ route: '*', reset: true, probability: 0.05 }),
    ];
    const ms = await this.pause(3000, 7000);
    ids.forEach((id) => cf.removeFault(id));
    return `5xx 30%, 429 15%, +1.5 s 20%, resets 5% for ${ms} ms`;
  }

  private async platformStorm(): Promise<string> {
    const { twitch, kick } = this.cluster.platforms;
    const drops = this.rng.int(3, 6);
    for (let i = 0; i < drops; i++) {
      twitch.dropConnections();
      kick.dropConnections();
      await this.pause(300, 1200);
    }
    return `Twitch IRC and Kick Pusher connections dropped ${drops} times`;
  }

  private async postgresRestart(outageMs: number): Promise<string> {
    await this.cluster.pg.outage(outageMs);
    return `down for ${outageMs} ms`;
  }
}
