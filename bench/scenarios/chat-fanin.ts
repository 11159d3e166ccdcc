import { Client } from 'pg';
import type { SessionViewBody } from '../lib/api';
import { ClientProcess } from '../lib/client-process';
import { buildFleet } from '../lib/fleet';
import { forEachLimit, pollUntil } from '../lib/pool';
import { startStack } from '../lib/stack';
import type { Scenario } from './scenario';

/**
 * Chat fan-in: S streaming sessions with Twitch chat (tmi.js) connected; viewers' messages
 * are ingested, stored and pushed to every dashboard. The service's adapters can only be
 * pointed at the platform fakes in sandbox mode, so this runs in sandbox mode and makes
 * viewers talk through POST /api/sandbox/chat: all sandbox sessions share the demo channel
 * `#streamer`, so one call reaches every session's chat (one event per session).
 */
export const chatFanin: Scenario = {
  name: 'chat-fanin',
  summary: 'chat events ingested → stored → socket, events/s, p99, loss (sandbox mode)',
  async run(ctx) {
    const sessions = ctx.sessions ?? 200;
    const targetRate = 25_000;
    const durationMs = ctx.quick ? 5_000 : 60_000;
    const postsPerSec = Math.ceil(targetRate / sessions);
    const stack = await startStack({
      pg: await ctx.pg(),
      mode: ctx.mode,
      sessions,
      sandbox: true,
      nodeArgs: ctx.serviceNodeArgs,
    });
    const client = new ClientProcess();
    try {
      const fleet = await buildFleet(stack, { offline: 0, ready: 0, streaming: sessions }, ctx.log);
      await forEachLimit(fleet.users, 24, async (u) => {
        await pollUntil(
          `${u} twitch chat connected`,
          async () => {
            const v = await stack.api.expect<SessionViewBody>(200, u, 'GET', '/api/session');
            return v.platforms.some((p) => p.platform === 'twitch' && p.chat === 'connected');
          },
          60_000,
          250,
        );
      });
      ctx.log(`  ${sessions} Twitch chats connected`);
      const users = await Promise.all(
        fleet.users.map(async (userId) => ({ userId, token: await stack.api.token(userId) })),
      );
      const c = await client.request({ kind: 'connect', url: stack.service.baseUrl, users });
      if (c.connected < sessions)
        throw new Error(`only ${c.connected}/${sessions} sockets: ${c.firstError}`);
      const senderToken = await stack.api.token(fleet.users[0]);
      const r = await client.request({
        kind: 'chat-fanin',
        url: stack.service.baseUrl,
        senderToken,
        durationMs,
        postsPerSec,
        maxInFlight: 64,
        drainMs: 30_000,
        expectedPerPost: sessions,
      });
      const expected = r.posts * sessions;
      const stored = await waitStored(stack.databaseUrl, r.runId, expected, 30_000);
      const offered = (r.posts * sessions) / (r.sendMs / 1000);
      const delivered = r.receivedInWindow / (r.sendMs / 1000);
      ctx.log(
        `  posts ${r.posts} (${r.postErrors} errors${r.firstPostError ? `: ${r.firstPostError}` : ''}), expected ${expected}, stored ${stored}, on sockets ${r.received}`,
      );
      const errors = stack.service.output.filter((l) => l.includes('"level":50'));
      if (errors.length > 0)
        ctx.log(
          `  service logged ${errors.length} error(s); last: ${errors[errors.length - 1].slice(0, 600)}`,
        );
      return {
        params: { sessions, durationMs, postsPerSec, mode: 'sandbox' },
        metrics: [
          { key: 'offered_eps', label: 'events offered per second', unit: 'ev/s', value: offered },
          {
            key: 'delivered_eps',
            label: 'events on sockets per second, during the window',
            unit: 'ev/s',
            value: delivered,
            target: { op: '>=', value: targetRate },
          },
          { key: 'p50_ms', label: 'ingest → socket p50', unit: 'ms', value: r.latencyMs.p50 },
          { key: 'p95_ms', label: 'ingest → socket p95', unit: 'ms', value: r.latencyMs.p95 },
          {
            key: 'p99_ms',
            label: 'ingest → socket p99',
            unit: 'ms',
            value: r.latencyMs.p99,
            target: { op: '<=', value: 100 },
          },
          {
            key: 'lost_db',
            label: 'events lost (expected − rows in chat_events)',
            unit: 'count',
            value: expected - stored,
            target: { op: '<=', value: 0 },
          },
          {
            key: 'lost_socket',
            label: 'events lost on sockets',
            unit: 'count',
            value: expected - r.received,
            target: { op: '<=', value: 0 },
          },
          {
            key: 'post_errors',
            label: 'sandbox chat calls failed',
            unit: 'count',
            value: r.postErrors,
          },
        ],
        notes: [
          'sandbox mode: the Twitch fake runs inside the service process, so its IRC encoding shares the measured event loop',
          'latency is measured from just before the sandbox chat HTTP call (client process) to the socket `chat` event',
        ],
      };
    } finally {
      await client.close();
      await stack.close();
    }
  },
};

/** Rows of this run in chat_events, once they stop growing or reach `expected`. */
async function waitStored(
  url: string,
  runId: string,
  expected: number,
  timeoutMs: number,
): Promise<number> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const count = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM chat_events WHERE text LIKE $1',
            [`bench ${runId} %`],
          )
        ).rows[0].n,
      );
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    for (;;) {
      const n = await count();
      if (n >= expected || Date.now() > deadline || (n === last && n > 0)) return n;
      last = n;
      await new Promise((r) => setTimeout(r, 5000));
    }
  } finally {
    await db.end();
  }
}
