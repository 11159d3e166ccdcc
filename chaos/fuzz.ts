import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import {
  buildNotification,
  NOTIFICATION_AUTH_HEADER,
  signStreamWebhook,
  STREAM_SIGNATURE_HEADER,
} from '../libs/cloudflare';
import { forEachLimit } from '../bench/lib/pool';
import {
  httpCaseArb,
  isErrorBody,
  runSocketCase,
  socketCaseArb,
  type HttpCase,
} from '../test/fuzz/fuzz-inputs';
import type { ChaosCluster } from './cluster';
import type { Rng } from './rng';

export interface FuzzReport {
  httpCases: number;
  socketCases: number;
  crossUserChecks: number;
  serverErrors: string[];
  badShapes: string[];
  crossUser: string[];
}

const FUZZER = 'chaos-fuzzer';
const FUZZ_OPS = 'chaos-fuzz-ops';

/**
 * Generated requests against every node of the running cluster: every route (as the fuzz
 * streamer, as ops, with a garbage token and with none), webhooks with and without valid
 * signatures around generated bodies, and socket commands with generated payloads.
 * Nothing may answer ≥ 500, every error must carry a code, and the fuzz streamer must never
 * see a byte of another streamer's data.
 */
export async function runFuzz(
  cluster: ChaosCluster,
  rng: Rng,
  opts: { httpCases: number; socketCases: number; victims: string[] },
): Promise<FuzzReport> {
  const report: FuzzReport = {
    httpCases: 0,
    socketCases: 0,
    crossUserChecks: 0,
    serverErrors: [],
    badShapes: [],
    crossUser: [],
  };
  const streamer = await cluster.api.token(FUZZER);
  const ops = await cluster.api.token(FUZZ_OPS, 'ops');
  await cluster.api.call(FUZZER, 'POST', '/api/session');
  const tokens = [streamer, ops, 'garbage', ''];
  const inputIds = [...cluster.cloudflare.state.inputs.keys()];
  const cases = fc.sample(
    fc.record({
      http: httpCaseArb([FUZZER, ...opts.victims.slice(0, 5)]),
      token: fc.constantFrom(...tokens),
      signed: fc.constantFrom('none', 'forged', 'valid'),
      event: fc.constantFrom('live_input.connected', 'live_input.disconnected', 'x', ''),
      input: fc.constantFrom(...inputIds, 'no-such-input', ''),
    }),
    { numRuns: opts.httpCases, seed: rng.seed },
  );
  await forEachLimit(cases, 8, async (c) => {
    const node = rng.pick(cluster.upNodes());
    const res = await send(node.service.baseUrl, c.http, c.token, webhookHeaders(cluster, c));
    report.httpCases++;
    const where = `${c.http.method.toUpperCase()} ${c.http.path.slice(0, 80)}`;
    if (res.status >= 500)
      report.serverErrors.push(`${where}: ${res.status} ${res.text.slice(0, 120)}`);
    else if (res.status >= 400 && !isErrorBody(res.status, res.json))
      report.badShapes.push(`${where}: ${res.status} ${res.text.slice(0, 120)}`);
    if (c.token === streamer) {
      report.crossUserChecks++;
      const requested = safe(c.http.path);
      for (const victim of opts.victims) {
        if (
          res.text.includes(victim) &&
          !requested.includes(victim) &&
          !JSON.stringify(c.http.body ?? '').includes(victim)
        )
          report.crossUser.push(`${where} showed ${victim}'s data to ${FUZZER}`);
      }
      if (c.http.path.startsWith('/api/ops/') && res.status < 400)
        report.crossUser.push(`${where}: a streamer got ${res.status} from an ops route`);
    }
  });

  const sockets: Socket[] = [];
  try {
    for (const node of cluster.upNodes()) {
      const s = io(`${node.service.baseUrl}/live`, {
        auth: { token: streamer },
        transports: ['websocket'],
        reconnection: false,
      });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('connect_error', reject);
      });
      // Whatever it sends, the fuzz streamer's socket only ever hears about its own session.
      s.onAny((event: string, payload: unknown) => {
        report.crossUserChecks++;
        const text = JSON.stringify(payload ?? null);
        const leak = opts.victims.find((v) => text.includes(v));
        if (leak) report.crossUser.push(`socket event ${event} carried ${leak}'s data`);
      });
      sockets.push(s);
    }
    const socketCases = fc.sample(socketCaseArb, { numRuns: opts.socketCases, seed: rng.seed + 1 });
    await forEachLimit(socketCases, 4, async (c, i) => {
      const s = sockets[i % sockets.length];
      const problem = await runSocketCase(s, c);
      report.socketCases++;
      if (problem)
        (problem.includes('server failure') ? report.serverErrors : report.badShapes).push(problem);
      if (!s.connected) report.serverErrors.push(`socket dropped after ${c.event}`);
    });
  } finally {
    sockets.forEach((s) => s.disconnect());
  }
  return report;
}

function webhookHeaders(
  cluster: ChaosCluster,
  c: { http: HttpCase; signed: string; event: string; input: string },
): { headers: Record<string, string>; body?: string } | undefined {
  const cf = cluster.cloudflare.config;
  if (c.http.path === '/webhooks/cloudflare/live-input') {
    const body =
      c.signed === 'valid' && c.input
        ? JSON.stringify(
            buildNotification({ inputId: c.input, eventType: c.event as 'live_input.connected' }),
          )
        : JSON.stringify(c.http.body);
    const auth =
      c.signed === 'valid' ? cf.webhookSecret : c.signed === 'forged' ? 'forged-secret' : undefined;
    return { headers: auth ? { [NOTIFICATION_AUTH_HEADER]: auth } : {}, body };
  }
  if (c.http.path === '/webhooks/cloudflare/video') {
    const body = JSON.stringify(c.http.body);
    if (c.signed === 'none') return { headers: {}, body };
    const secret = c.signed === 'valid' ? cf.videoWebhookSecret : 'forged-secret';
    return { headers: { [STREAM_SIGNATURE_HEADER]: signStreamWebhook(body, secret) }, body };
  }
  return undefined;
}

async function send(
  base: string,
  c: HttpCase,
  token: string,
  webhook?: { headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string; json: unknown }> {
  const url = new URL(base);
  for (const [k, v] of Object.entries(c.query)) url.searchParams.set(k, v);
  const hasBody = c.method === 'post' || c.method === 'put';
  // The path goes as generated (bad percent-encodings included), not normalised by URL.
  const res = await fetch(`${base}${c.path}${url.search}`, {
    method: c.method.toUpperCase(),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...webhook?.headers,
    },
    body: hasBody ? (webhook?.body ?? JSON.stringify(c.body)) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

function safe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
