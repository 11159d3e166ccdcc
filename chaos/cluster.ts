import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { createCloudflareFake, type CloudflareFake } from '../libs/cloudflare';
import { createPlatformFakes, platformFakeEnv, type PlatformFakes } from '../libs/platforms';
import { BENCH_JWT_SECRET, BENCH_SECRETS_KEY, BenchApi } from '../bench/lib/api';
import { BenchService } from '../bench/lib/service';
import { freePort } from '../test/helpers/free-port';
import { LoadBalancer } from './load-balancer';
import { onCleanup } from '../bench/lib/children';
import { PostgresProcess } from '../test/helpers/postgres-process';

export interface ChaosNode {
  id: string;
  service: BenchService;
  /** False from the moment the chaos run kills it until it answers again. */
  up: boolean;
}

/** Settings that make faults show quickly: short leases, fast fallback polling, short grace. */
const NODE_ENV = {
  LEASE_TTL: '2s',
  RECONCILE_INTERVAL: '5s',
  STREAM_DISCONNECT_TIMEOUT: '3s',
  CLEANUP_RETRY_BASE: '200ms',
  CLOUDFLARE_POLL_FAST: '1s',
  CLOUDFLARE_POLL_SLOW: '3s',
  CLOUDFLARE_MAX_RETRIES: '1',
  CLOUDFLARE_TIMEOUT: '3s',
  // The fake has no account limit; the budget logic still runs, with room for 3 nodes.
  CLOUDFLARE_API_BUDGET: '100000',
};

/**
 * Three real service processes on one restartable PostgreSQL, with the Cloudflare and
 * platform fakes in this process and a load balancer in front of the nodes.
 */
export class ChaosCluster {
  readonly api: BenchApi;
  lbUrl = '';

  private constructor(
    readonly pg: PostgresProcess,
    readonly cloudflare: CloudflareFake,
    readonly platforms: PlatformFakes,
    readonly lb: LoadBalancer,
    readonly nodes: ChaosNode[],
  ) {
    this.api = new BenchApi(() => this.lbUrl);
  }

  static async start(
    nodeCount: number,
    random: () => number,
    logDir: string,
  ): Promise<ChaosCluster> {
    mkdirSync(logDir, { recursive: true });
    const pg = await PostgresProcess.create({ database: 'chaos' });
    onCleanup(() => pg.close());
    const cloudflare = await createCloudflareFake({ port: 0 });
    const platforms = await createPlatformFakes();
    const nodes: ChaosNode[] = [];
    const lb = new LoadBalancer(
      () => nodes.filter((n) => n.up).map((n) => n.service.baseUrl),
      random,
    );
    const cluster = new ChaosCluster(pg, cloudflare, platforms, lb, nodes);
    cluster.lbUrl = await lb.listen();
    cloudflare.configure({
      webhookUrl: `${cluster.lbUrl}/webhooks/cloudflare/live-input`,
      videoWebhookUrl: `${cluster.lbUrl}/webhooks/cloudflare/video`,
    });
    for (let i = 0; i < nodeCount; i++) {
      const id = `chaos-${String.fromCharCode(97 + i)}`;
      const port = await freePort();
      const service = new BenchService(
        port,
        {
          DATABASE_URL: pg.url,
          NODE_ID: id,
          NODE_URL: `http://127.0.0.1:${port}`,
          JWT_SECRET: BENCH_JWT_SECRET,
          SECRETS_KEY: BENCH_SECRETS_KEY,
          CLOUDFLARE_API_TOKEN: cloudflare.apiToken,
          CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
          CLOUDFLARE_BASE_URL: cloudflare.url,
          CLOUDFLARE_WEBHOOK_SECRET: cloudflare.config.webhookSecret,
          CLOUDFLARE_STREAM_WEBHOOK_SECRET: cloudflare.config.videoWebhookSecret,
          ...platformFakeEnv(platforms),
          ...NODE_ENV,
        },
        'dist',
      );
      const node: ChaosNode = { id, service, up: false };
      service.logFile = path.join(logDir, `${id}.log`);
      service.onExit = (exit) => {
        node.up = false;
        if (exit.signal === 'SIGKILL') return;
        console.error(
          `[chaos] ${id} CRASHED (code ${exit.code}, signal ${exit.signal}); its last lines:\n${service.tail(40)}`,
        );
      };
      cluster.nodes.push(node);
    }
    // The first node runs the migrations alone; the others then start together.
    await cluster.startNode(cluster.nodes[0]);
    await Promise.all(cluster.nodes.slice(1).map((n) => cluster.startNode(n)));
    return cluster;
  }

  upNodes(): ChaosNode[] {
    return this.nodes.filter((n) => n.up);
  }

  async startNode(node: ChaosNode): Promise<void> {
    node.service.spawn();
    await node.service.waitLive();
    node.up = true;
  }

  async killNode(node: ChaosNode): Promise<void> {
    node.up = false;
    await node.service.kill();
  }

  /** Exits the run did not cause: a node that crashed by itself. */
  crashes(): { node: string; code: number | null; signal: string | null }[] {
    return this.nodes.flatMap((n) =>
      n.service.exits
        .filter((e) => e.signal !== 'SIGKILL')
        .map((e) => ({ node: n.id, code: e.code, signal: e.signal })),
    );
  }

  async close(): Promise<void> {
    for (const n of this.nodes) n.service.onExit = undefined; // a SIGTERM now is no crash
    await Promise.all(this.nodes.map((n) => n.service.stop(5_000)));
    await this.lb.close();
    await this.cloudflare.close();
    await this.platforms.close();
    await this.pg.close();
  }
}
