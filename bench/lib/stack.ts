import { createCloudflareFake, type CloudflareFake } from '../../libs/cloudflare';
import { BENCH_JWT_SECRET, BENCH_SECRETS_KEY, BenchApi } from './api';
import { onCleanup } from './children';
import type { BenchPostgres } from './postgres';
import { freePort } from '../../test/helpers/free-port';
import { BenchService, type ServiceMode } from './service';

export interface StackOptions {
  pg: BenchPostgres;
  mode: ServiceMode;
  /** Session actors the node must hold (MAX_CONCURRENT_USERS is set a little above). */
  sessions: number;
  /** Sandbox: no Cloudflare credentials, the service runs its own in-process fakes. */
  sandbox?: boolean;
  env?: Record<string, string>;
  /** Set on the command line (`--env K=V`): applied after everything else. */
  overrides?: Record<string, string>;
  nodeArgs?: string[];
}

export interface Stack {
  service: BenchService;
  /** The service's environment (a second node of the same cluster starts from it). */
  env: Record<string, string>;
  api: BenchApi;
  databaseUrl: string;
  /** The Cloudflare fake, in the bench process (absent in sandbox mode). */
  fake?: CloudflareFake;
  webhookSecret?: string;
  close(): Promise<void>;
}

/** Production budget figures: what the poll floor would be with them. */
const PROD_BUDGET = 1200;
const PROD_WINDOW_MS = 5 * 60_000;
const POLL_SHARE = 0.5;

/**
 * The bench raises CLOUDFLARE_API_BUDGET so that provisioning thousands of inputs is not
 * throttled; the poll floor is derived from that budget, so it would let fallback polling
 * run far faster than in production. Pin the poll intervals to what the production budget
 * gives for this many sessions instead.
 */
export function productionPollMs(sessions: number): number {
  return Math.max(60_000, Math.ceil((sessions * PROD_WINDOW_MS) / (PROD_BUDGET * POLL_SHARE)));
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const databaseUrl = await opts.pg.createDatabase('bench');
  const port = await freePort();
  const serviceUrl = `http://127.0.0.1:${port}`;
  const pollMs = String(productionPollMs(opts.sessions));
  let fake: CloudflareFake | undefined;
  let cloudflareEnv: Record<string, string> = {};
  if (!opts.sandbox) {
    fake = await createCloudflareFake({
      port: 0,
      webhookUrl: `${serviceUrl}/webhooks/cloudflare/live-input`,
      videoWebhookUrl: `${serviceUrl}/webhooks/cloudflare/video`,
    });
    cloudflareEnv = {
      CLOUDFLARE_API_TOKEN: fake.apiToken,
      CLOUDFLARE_ACCOUNT_ID: fake.accountId,
      CLOUDFLARE_BASE_URL: fake.url,
      CLOUDFLARE_WEBHOOK_SECRET: fake.config.webhookSecret,
      CLOUDFLARE_STREAM_WEBHOOK_SECRET: fake.config.videoWebhookSecret,
    };
  }
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: BENCH_JWT_SECRET,
    SECRETS_KEY: BENCH_SECRETS_KEY,
    NODE_ID: 'bench-node',
    MAX_CONCURRENT_USERS: String(opts.sessions + 100),
    // Raised for set-up only (see productionPollMs); the real account allows 1,200 / 5 min.
    CLOUDFLARE_API_BUDGET: '1000000',
    CLOUDFLARE_POLL_FAST: pollMs,
    CLOUDFLARE_POLL_SLOW: pollMs,
    CLOUDFLARE_TIMEOUT: '30s',
    ...cloudflareEnv,
    ...opts.env,
    ...opts.overrides,
  };
  const service = new BenchService(port, env, opts.mode, opts.nodeArgs);
  const close = async () => {
    await service.stop();
    await fake?.close();
  };
  const unregister = onCleanup(close);
  await service.start();
  return {
    service,
    env,
    api: new BenchApi(() => service.baseUrl),
    databaseUrl,
    fake,
    webhookSecret: fake?.config.webhookSecret,
    close: async () => {
      unregister();
      await close();
    },
  };
}
