import { Client } from 'pg';
import type { Stack } from './stack';
import { forEachLimit, pollUntil } from './pool';

export interface FleetPlan {
  offline: number;
  ready: number;
  streaming: number;
  /**
   * The platform (and chat account) each streaming user goes live on; default Twitch with a
   * stream key only (no chat), or the sandbox demo account in sandbox mode.
   */
  account?: (userId: string) => StreamAccount;
}

/** What `PUT /api/platforms/<platform>` gets besides the stream key. */
export interface StreamAccount {
  platform: 'twitch' | 'youtube' | 'kick' | 'facebook';
  channel?: string;
  accessToken?: string;
}

export interface Fleet {
  users: string[];
  offline: string[];
  ready: string[];
  streaming: string[];
  /** Live input id per user (real mode: read from the Cloudflare fake). */
  inputOf: Map<string, string>;
}

const CONCURRENCY = 24;

/** Sandbox demo account of the platform fakes (src/sandbox/sandbox.service.ts). */
const SANDBOX_TWITCH = { channel: 'streamer', accessToken: 'twitch-token' };

export function fleetUsers(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/**
 * Builds the sessions through the public API, as dashboards and encoders would: activate
 * (provisions a live input), connect the encoder (the fake's webhook, or the sandbox
 * route), connect Twitch and Start.
 */
export async function buildFleet(
  stack: Stack,
  plan: FleetPlan,
  log: (line: string) => void,
  prefix = 'bench-u',
): Promise<Fleet> {
  const total = plan.offline + plan.ready + plan.streaming;
  const users = fleetUsers(prefix, total);
  const fleet: Fleet = {
    users,
    streaming: users.slice(0, plan.streaming),
    ready: users.slice(plan.streaming, plan.streaming + plan.ready),
    offline: users.slice(plan.streaming + plan.ready),
    inputOf: new Map(),
  };
  await activate(stack, fleet, log);
  await promote(stack, fleet, log, plan.account);
  return fleet;
}

/** POST /api/session for every user: provisions a live input, the session stays offline. */
export async function activate(stack: Stack, fleet: Fleet, log: (line: string) => void) {
  const t0 = performance.now();
  await must(
    'activate',
    forEachLimit(fleet.users, CONCURRENCY, async (u) => {
      await stack.api.expect(200, u, 'POST', '/api/session');
    }),
  );
  log(`  ${fleet.users.length} sessions activated in ${secs(t0)}`);
  if (stack.fake) {
    for (const input of stack.fake.state.inputs.values()) {
      const userId = input.meta.userId;
      if (typeof userId === 'string') fleet.inputOf.set(userId, input.uid);
    }
  }
}

/**
 * Connects the encoders of `ready` and `streaming`, then Starts `streaming` on Twitch (or
 * on the platform `account` gives each user).
 */
export async function promote(
  stack: Stack,
  fleet: Fleet,
  log: (line: string) => void,
  account?: (userId: string) => StreamAccount,
) {
  const { api } = stack;
  const live = [...fleet.streaming, ...fleet.ready];
  if (live.length === 0) return;
  const before = await stateCounts(stack.databaseUrl);
  const t1 = performance.now();
  await must(
    'connect encoders',
    forEachLimit(live, CONCURRENCY, async (u) => {
      if (stack.fake) {
        const delivery = await stack.fake.connect(fleet.inputOf.get(u) ?? '');
        if (delivery?.status !== 202)
          throw new Error(`webhook for ${u}: ${JSON.stringify(delivery)}`);
      } else {
        await api.expect(200, u, 'POST', '/api/sandbox/encoder/connect');
      }
    }),
  );
  await waitStates(stack.databaseUrl, { ready: (before.ready ?? 0) + live.length }, 120_000);
  log(`  ${live.length} encoders connected in ${secs(t1)}`);
  if (fleet.streaming.length === 0) return;
  const t2 = performance.now();
  await must(
    'start streams',
    forEachLimit(fleet.streaming, CONCURRENCY, async (u) => {
      const { platform, ...chat } = account?.(u) ?? {
        platform: 'twitch',
        ...(stack.fake ? {} : SANDBOX_TWITCH),
      };
      await api.expect(200, u, 'PUT', `/api/platforms/${platform}`, {
        streamKey: `live_${u}`,
        ...chat,
      });
      await api.expect(202, u, 'POST', '/api/session/start', { platforms: [platform], title: u });
    }),
  );
  const want = (before['streaming.live'] ?? 0) + fleet.streaming.length;
  await waitStates(stack.databaseUrl, { 'streaming.live': want }, 300_000);
  log(`  ${fleet.streaming.length} streams live in ${secs(t2)}`);
}

/** Session rows per `state` and per `state.substate`, straight from PostgreSQL. */
export async function stateCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ state: string; substate: string | null; n: string }>(
      'SELECT state, substate, count(*) AS n FROM sessions GROUP BY state, substate',
    );
    const counts: Record<string, number> = {};
    for (const row of r.rows) {
      counts[row.state] = (counts[row.state] ?? 0) + Number(row.n);
      if (row.substate) counts[`${row.state}.${row.substate}`] = Number(row.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

/** Waits until at least the given number of rows are in each state (or state.substate). */
export async function waitStates(
  databaseUrl: string,
  want: Record<string, number>,
  timeoutMs: number,
): Promise<void> {
  let last: Record<string, number> = {};
  await pollUntil(
    `session states ${JSON.stringify(want)}`,
    async () => {
      last = await stateCounts(databaseUrl);
      return Object.entries(want).every(([k, n]) => (last[k] ?? 0) >= n);
    },
    timeoutMs,
    250,
  ).catch((err: unknown) => {
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}; have ${JSON.stringify(last)}`,
    );
  });
}

async function must(what: string, work: Promise<{ failed: number; firstError?: unknown }>) {
  const r = await work;
  if (r.failed > 0) {
    const why = r.firstError instanceof Error ? r.firstError.message : String(r.firstError);
    throw new Error(`${what}: ${r.failed} failed; first: ${why}`);
  }
}

function secs(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}
