import { Client } from 'pg';
import { createPlatformFakes, platformFakeEnv, type PlatformFakes } from '../../libs/platforms';
import { KICK_EVENTS } from '../../libs/platforms/kick/fake/kick-samples';
import type { SessionViewBody } from '../lib/api';
import { onCleanup } from '../lib/children';
import { ClientProcess } from '../lib/client-process';
import { epochNow } from '../lib/clock';
import { buildFleet, type StreamAccount } from '../lib/fleet';
import { forEachLimit, pollUntil } from '../lib/pool';
import { queryOne } from '../lib/postgres';
import { sampleFor } from '../lib/sampling';
import { startStack } from '../lib/stack';
import { median } from '../lib/stats';
import type { Scenario } from './scenario';

/** The goal of issue #8, per node; the quick run offers less. */
const TARGET_RATE = 25_000;
const QUICK_RATE = 10_000;
/** How often the fakes push (each push carries every message due since the last). */
const TICK_MS = 10;
/** Every KICK_EVERY-th channel is a Kick chatroom (pusher-js), the others Twitch (tmi.js). */
const KICK_EVERY = 4;
/** Distinct viewers per channel. */
const VIEWERS = 500;

interface BenchChannel {
  userId: string;
  platform: 'twitch' | 'kick';
  /** Twitch login, or Kick's Pusher channel `chatrooms.<id>.v2`. */
  key: string;
  account: StreamAccount;
}

/**
 * Chat fan-in: S streaming sessions, each with its own channel on the platform fakes
 * (three in four on Twitch over tmi.js, one in four on Kick over pusher-js), connected
 * through the service's real adapters (the endpoint env vars, as a deployment sets them).
 * The fakes, in the bench process, push viewers' messages into the channels at an aggregate
 * rate; each is normalized, stored and pushed to its streamer's dashboard. Latency is the
 * fake's send stamp (taken in the socket client's clock) → the `chat` event on the socket.
 */
export const chatFanin: Scenario = {
  name: 'chat-fanin',
  summary: 'platform fakes push chat into S channels → stored → socket: ev/s, p99, loss',
  async run(ctx) {
    const sessions = ctx.sessions ?? 200;
    const rate = ctx.quick ? QUICK_RATE : TARGET_RATE;
    const durationMs = ctx.quick ? 8_000 : 60_000;
    const fakes = await createPlatformFakes();
    const unregisterFakes = onCleanup(() => fakes.close());
    const channels = addChannels(fakes, sessions);
    const byUser = new Map(channels.map((c) => [c.userId, c]));
    const stack = await startStack({
      overrides: ctx.serviceEnv,
      pg: await ctx.pg(),
      mode: ctx.mode,
      sessions,
      env: platformFakeEnv(fakes),
      nodeArgs: ctx.serviceNodeArgs,
    });
    const client = new ClientProcess();
    try {
      const fleet = await buildFleet(
        stack,
        {
          offline: 0,
          ready: 0,
          streaming: sessions,
          account: (u) => byUser.get(u)!.account,
        },
        ctx.log,
      );
      const t0 = performance.now();
      const waited = await forEachLimit(channels, 24, async (c) => {
        await pollUntil(
          `${c.userId} ${c.platform} chat connected`,
          async () => {
            const v = await stack.api.expect<SessionViewBody>(200, c.userId, 'GET', '/api/session');
            return v.platforms.some((p) => p.platform === c.platform && p.chat === 'connected');
          },
          60_000,
          250,
        );
      });
      if (waited.failed > 0) throw waited.firstError;
      const kick = channels.filter((c) => c.platform === 'kick').length;
      ctx.log(
        `  ${sessions - kick} Twitch + ${kick} Kick chats connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const users = await Promise.all(
        fleet.users.map(async (userId) => ({ userId, token: await stack.api.token(userId) })),
      );
      const c = await client.request({ kind: 'connect', url: stack.service.baseUrl, users });
      if (c.connected < sessions)
        throw new Error(`only ${c.connected}/${sessions} sockets: ${c.firstError}`);
      const clock = await client.clockOffset();
      ctx.log(
        `  client clock ${clock.offsetMs >= 0 ? '+' : ''}${clock.offsetMs.toFixed(3)} ms (IPC round trip ${clock.rttMs.toFixed(2)} ms)`,
      );

      const runId = Math.random().toString(36).slice(2, 8);
      const dbBefore = await dbActivity(stack.databaseUrl);
      const cpuBefore = await stack.service.cpuSeconds();
      await client.request({ kind: 'chat-watch', runId });
      const [push, lag] = await Promise.all([
        pushChat(fakes, channels, { runId, rate, durationMs, clockOffsetMs: clock.offsetMs }),
        sampleFor(stack.service, durationMs),
      ]);
      const r = await client.request({
        kind: 'chat-watch-end',
        runId,
        expected: push.sent,
        drainMs: 30_000,
        windowMs: durationMs,
      });
      const stored = await waitStored(stack.databaseUrl, runId, push.sent, 30_000);
      const dbAfter = await dbActivity(stack.databaseUrl);
      const cpuUsPerEvent = (((await stack.service.cpuSeconds()) - cpuBefore) * 1e6) / push.sent;
      if (process.env.BENCH_DEBUG_TABLES)
        ctx.log(`  tables: ${JSON.stringify(await tableActivity(stack.databaseUrl))}`);
      const offered = push.sent / (push.sendMs / 1000);
      const delivered = r.receivedInWindow / (durationMs / 1000);
      ctx.log(
        `  sent ${push.sent} (${push.twitch} Twitch, ${push.kick} Kick) in ${(push.sendMs / 1000).toFixed(1)} s, longest push gap ${push.maxGapMs.toFixed(0)} ms; stored ${stored}, on sockets ${r.received} (${r.duplicates} duplicates)`,
      );
      const errors = stack.service.output.filter((l) => l.includes('"level":50'));
      if (errors.length > 0)
        ctx.log(
          `  service logged ${errors.length} error(s); last: ${errors[errors.length - 1].slice(0, 600)}`,
        );
      const lagP99 = lag.map((s) => s.lagP99Ms);
      return {
        params: { sessions, durationMs, rate, kickShare: `1/${KICK_EVERY}`, tickMs: TICK_MS },
        metrics: [
          {
            key: 'offered_eps',
            label: 'events pushed by the fakes per second',
            unit: 'ev/s',
            value: offered,
          },
          {
            key: 'delivered_eps',
            label: `events on sockets per second, over ${durationMs / 1000} s from the first`,
            unit: 'ev/s',
            value: delivered,
            target: { op: '>=', value: rate },
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
          { key: 'max_ms', label: 'ingest → socket max', unit: 'ms', value: r.latencyMs.max },
          {
            key: 'lost_db',
            label: 'events lost (sent − rows in chat_events)',
            unit: 'count',
            value: push.sent - stored,
            target: { op: '<=', value: 0 },
          },
          {
            key: 'lost_socket',
            label: 'events lost on sockets (sent − distinct received)',
            unit: 'count',
            value: push.sent - r.received,
            target: { op: '<=', value: 0 },
          },
          {
            key: 'cpu_us_per_event',
            label: 'service CPU per event (user + system), push until stored',
            unit: 'µs',
            value: cpuUsPerEvent,
          },
          {
            key: 'db_commits_per_s',
            label: 'database transactions per second, push until stored',
            unit: 'tx/s',
            value: (dbAfter.commits - dbBefore.commits) / ((dbAfter.at - dbBefore.at) / 1000),
          },
          {
            key: 'lag_p99_ms',
            label: 'service event-loop lag p99, median second',
            unit: 'ms',
            value: median(lagP99),
          },
          {
            key: 'lag_p99_worst_ms',
            label: 'service event-loop lag p99, worst second',
            unit: 'ms',
            value: lagP99.length ? Math.max(...lagP99) : NaN,
          },
        ],
        notes: [
          `target ${TARGET_RATE} ev/s for 60 s at full size; the quick run offers ${QUICK_RATE} ev/s for 8 s`,
          'the platform fakes run in the bench process; latency is their send stamp (in the socket client clock, offset measured over IPC) → `chat` on the socket',
        ],
      };
    } finally {
      await client.close();
      await stack.close();
      unregisterFakes();
      await fakes.close().catch(() => undefined);
    }
  },
};

/** One channel (and streamer account) per session on the fakes. */
function addChannels(fakes: PlatformFakes, sessions: number): BenchChannel[] {
  return Array.from({ length: sessions }, (_, i): BenchChannel => {
    const userId = `bench-u${i}`;
    if (i % KICK_EVERY === KICK_EVERY - 1) {
      const slug = `bench-kick-${i}`;
      const channel = fakes.kick.addChannel({
        slug,
        userId: 50_000 + i,
        chatroomId: 60_000 + i,
        viewerCount: i,
        title: userId,
      });
      const accessToken = `kick-token-${i}`;
      fakes.kick.tokens.set(accessToken, channel.userId);
      return {
        userId,
        platform: 'kick',
        key: `chatrooms.${channel.chatroomId}.v2`,
        account: { platform: 'kick', channel: slug, accessToken },
      };
    }
    const login = `bench_tw_${i}`;
    fakes.twitch.addUser(login, String(100_000 + i));
    fakes.twitch.streams.set(login, { viewerCount: i, title: userId });
    const accessToken = `twitch-token-${i}`;
    fakes.twitch.validTokens.add(accessToken);
    return {
      userId,
      platform: 'twitch',
      key: login,
      account: { platform: 'twitch', channel: login, accessToken },
    };
  });
}

interface PushResult {
  sent: number;
  twitch: number;
  kick: number;
  sendMs: number;
  /** Longest time between two pushes (the bench process's own stalls). */
  maxGapMs: number;
}

/**
 * Open loop: every TICK_MS the fakes push all messages due by then (rate × elapsed), round
 * robin over the channels, as `bench <runId> <seq> <sentAt>` with a unique platform id.
 */
async function pushChat(
  fakes: PlatformFakes,
  channels: BenchChannel[],
  o: { runId: string; rate: number; durationMs: number; clockOffsetMs: number },
): Promise<PushResult> {
  const total = Math.round((o.rate * o.durationMs) / 1000);
  const createdAt = new Date().toISOString();
  let seq = 0;
  let twitch = 0;
  let kick = 0;
  let maxGapMs = 0;
  const start = performance.now();
  let last = start;
  while (seq < total) {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    const due = Math.min(total, Math.floor(((now - start) / 1000) * o.rate));
    const lines = new Map<string, string[]>();
    const events = new Map<string, { event: string; data: unknown }[]>();
    const sentAt = (epochNow() + o.clockOffsetMs).toFixed(3);
    for (; seq < due; seq++) {
      const c = channels[seq % channels.length];
      const text = `bench ${o.runId} ${seq} ${sentAt}`;
      const viewer = ((seq / channels.length) % VIEWERS) | 0;
      const id = `${o.runId}-${seq}`;
      if (c.platform === 'twitch') {
        const line = fakes.twitch.privmsgLine(
          c.key,
          { login: `viewer_${viewer}`, id: String(1_000_000 + viewer) },
          text,
          { id },
        );
        append(lines, c.key, line);
        twitch++;
      } else {
        append(events, c.key, {
          event: KICK_EVENTS.message,
          data: {
            id,
            chatroom_id: Number(/\d+/.exec(c.key)?.[0]),
            content: text,
            type: 'message',
            created_at: createdAt,
            sender: {
              id: 2_000_000 + viewer,
              username: `viewer_${viewer}`,
              slug: `viewer_${viewer}`,
              identity: { color: '#75FD46', badges: [] },
            },
          },
        });
        kick++;
      }
    }
    fakes.twitch.sendToChannels(lines);
    fakes.kick.broadcastToChannels(events);
    if (seq < total) await new Promise((r) => setTimeout(r, TICK_MS));
  }
  return { sent: seq, twitch, kick, sendMs: performance.now() - start, maxGapMs };
}

function append<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Transactions committed in the bench database so far (every statement of the service). */
async function dbActivity(url: string): Promise<{ commits: number; at: number }> {
  const r = await queryOne<{ n: string }>(
    url,
    'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return { commits: Number(r.n), at: performance.now() };
}

async function tableActivity(url: string): Promise<unknown> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (
      await db.query(
        `SELECT relname, n_tup_ins, n_tup_upd, seq_scan, idx_scan FROM pg_stat_user_tables
          WHERE n_tup_ins + n_tup_upd + seq_scan + coalesce(idx_scan, 0) > 0`,
      )
    ).rows;
  } finally {
    await db.end();
  }
}

/** Rows of this run in chat_events, once they reach `expected` or stop growing. */
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
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await db.end();
  }
}
