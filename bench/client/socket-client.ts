/**
 * The dashboards: real Socket.IO clients (and the HTTP senders whose timestamps they are
 * compared with) in their own process, so the service's event loop is measured alone.
 * Driven over IPC by bench/lib/client-process.ts.
 */
import { io, type Socket } from 'socket.io-client';
import { buildNotification } from '../../libs/cloudflare/webhook-verification';
import { createHttpFetch } from '../lib/http-fetch';
import { epochNow } from '../lib/clock';
import { summarize } from '../lib/stats';
import type {
  ChatWatchReply,
  ClientReply,
  ClientRequest,
  ConnectReply,
  Envelope,
  ReplyEnvelope,
  WebhookLatencyReply,
} from './protocol';

interface TransitionPayload {
  userId: string;
  to: string;
}
interface ChatPayload {
  text: string;
}

/**
 * The senders' HTTP: keep-alive node:http. With the global fetch this process took 43 % of
 * a core at 200 webhooks/s (the service 53 %), on two cores shared by everything; 31 % now.
 */
const fetch = createHttpFetch({ maxSockets: 256 });

const sockets = new Map<string, Socket>();
const transitionListeners = new Set<(t: TransitionPayload, at: number) => void>();
const chatListeners = new Set<(events: ChatPayload[], at: number) => void>();
/** Whether each target's encoder was last reported connected (kept across requests). */
const encoderLive = new Map<string, boolean>();

async function connect(req: Extract<ClientRequest, { kind: 'connect' }>): Promise<ConnectReply> {
  const t0 = performance.now();
  let failed = 0;
  let firstError: string | undefined;
  const queue = [...req.users];
  const lane = async () => {
    for (let u = queue.shift(); u; u = queue.shift()) {
      const user = u;
      const socket = io(`${req.url}/live`, {
        auth: { token: user.token },
        transports: ['websocket'],
        reconnection: false,
        timeout: 30_000,
      });
      socket.on('transition', (t: TransitionPayload) => {
        const at = performance.now();
        for (const l of transitionListeners) l(t, at);
      });
      socket.on('chat', (events: ChatPayload[]) => {
        const at = performance.now();
        for (const l of chatListeners) l(events, at);
      });
      await new Promise<void>((resolve) => {
        socket.once('connect', () => {
          sockets.set(user.userId, socket);
          resolve();
        });
        socket.once('connect_error', (err: Error) => {
          failed++;
          firstError ??= err.message;
          socket.close();
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return { connected: sockets.size, failed, firstError, ms: performance.now() - t0 };
}

/**
 * Open loop at `ratePerSec`: each target alternates connected/disconnected, with one
 * notification in flight per target; latency = webhook POST sent → `transition` received.
 */
async function webhookLatency(
  req: Extract<ClientRequest, { kind: 'webhook-latency' }>,
): Promise<WebhookLatencyReply> {
  const latencies: number[] = [];
  const idle = [...req.targets];
  const waiting = new Map<string, { sentAt: number; to: string; timer: NodeJS.Timeout }>();
  let sent = 0;
  let timeouts = 0;
  let httpErrors = 0;
  const release = (userId: string) => {
    const target = req.targets.find((t) => t.userId === userId);
    if (target) idle.push(target);
  };
  const listener = (t: TransitionPayload, at: number) => {
    const w = waiting.get(t.userId);
    if (!w || t.to !== w.to) return;
    clearTimeout(w.timer);
    waiting.delete(t.userId);
    latencies.push(at - w.sentAt);
    release(t.userId);
  };
  transitionListeners.add(listener);
  const fire = async (target: { userId: string; inputId: string }) => {
    const connect = !encoderLive.get(target.userId);
    encoderLive.set(target.userId, connect);
    // The provider's truth first (as Cloudflare has it before it notifies), untimed.
    const status = connect ? 'connected' : 'client_disconnect';
    const set = await fetch(`${req.fakeOrigin}/__fake/inputs/${target.inputId}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status, notify: false }),
    }).catch(() => undefined);
    await set?.arrayBuffer();
    const body = JSON.stringify(
      buildNotification({
        inputId: target.inputId,
        eventType: connect ? 'live_input.connected' : 'live_input.disconnected',
      }),
    );
    const to = connect ? 'ready' : 'offline';
    const timer = setTimeout(() => {
      waiting.delete(target.userId);
      timeouts++;
      release(target.userId);
    }, req.timeoutMs);
    const sentAt = performance.now();
    waiting.set(target.userId, { sentAt, to, timer });
    sent++;
    fetch(`${req.url}/webhooks/cloudflare/live-input`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-webhook-auth': req.secret },
      body,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 202) httpErrors++;
      })
      .catch(() => httpErrors++);
  };
  const start = performance.now();
  let due = 0;
  while (performance.now() - start < req.durationMs) {
    const shouldHaveSent = Math.floor(((performance.now() - start) / 1000) * req.ratePerSec);
    for (; due < shouldHaveSent; due++) {
      const target = idle.shift();
      if (!target) break; // every target busy: the rate is capped by the server's latency
      void fire(target);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const deadline = performance.now() + req.timeoutMs;
  while (waiting.size > 0 && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  transitionListeners.delete(listener);
  return {
    sent,
    received: latencies.length,
    timeouts,
    httpErrors,
    latencyMs: summarize(latencies),
  };
}

/** Counts one run's chat events (`bench <runId> <seq> <sentAt>`) as the sockets get them. */
class ChatWatch {
  readonly latencies: number[] = [];
  readonly arrivals: number[] = [];
  received = 0;
  duplicates = 0;
  /** One byte per seq seen (grown on demand). */
  private seen = new Uint8Array(1 << 16);
  private readonly prefix: string;

  constructor(runId: string) {
    this.prefix = `bench ${runId} `;
  }

  readonly listener = (events: ChatPayload[], at: number): void => {
    const now = performance.timeOrigin + at;
    for (const e of events) {
      if (!e.text.startsWith(this.prefix)) continue;
      const [seqText, sentAt] = e.text.slice(this.prefix.length).split(' ');
      const seq = Number(seqText);
      if (!Number.isInteger(seq) || seq < 0) continue;
      while (seq >= this.seen.length) {
        const grown = new Uint8Array(this.seen.length * 2);
        grown.set(this.seen);
        this.seen = grown;
      }
      if (this.seen[seq]) {
        this.duplicates++;
        continue;
      }
      this.seen[seq] = 1;
      this.received++;
      this.arrivals.push(at);
      this.latencies.push(now - Number(sentAt));
    }
  };
}

const watches = new Map<string, ChatWatch>();

function chatWatch(req: Extract<ClientRequest, { kind: 'chat-watch' }>): { watching: true } {
  const w = new ChatWatch(req.runId);
  watches.set(req.runId, w);
  chatListeners.add(w.listener);
  return { watching: true };
}

async function chatWatchEnd(
  req: Extract<ClientRequest, { kind: 'chat-watch-end' }>,
): Promise<ChatWatchReply> {
  const w = watches.get(req.runId);
  if (!w) throw new Error(`no chat watch for run ${req.runId}`);
  const deadline = performance.now() + req.drainMs;
  while (w.received < req.expected && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  chatListeners.delete(w.listener);
  watches.delete(req.runId);
  const first = w.arrivals.length > 0 ? w.arrivals[0] : 0;
  let inWindow = 0;
  for (const at of w.arrivals) if (at - first <= req.windowMs) inWindow++;
  return {
    received: w.received,
    duplicates: w.duplicates,
    receivedInWindow: inWindow,
    latencyMs: summarize(w.latencies),
  };
}

async function handle(req: ClientRequest): Promise<ClientReply> {
  switch (req.kind) {
    case 'connect':
      return connect(req);
    case 'webhook-latency':
      return webhookLatency(req);
    case 'clock':
      return { now: epochNow() };
    case 'chat-watch':
      return chatWatch(req);
    case 'chat-watch-end':
      return chatWatchEnd(req);
    case 'close':
      for (const s of sockets.values()) s.close();
      sockets.clear();
      return { closed: true };
  }
}

process.on('message', (msg: Envelope<ClientRequest>) => {
  handle(msg.body).then(
    (body) => process.send?.({ id: msg.id, ok: true, body } satisfies ReplyEnvelope),
    (err: unknown) =>
      process.send?.({ id: msg.id, ok: false, error: String(err) } satisfies ReplyEnvelope),
  );
});
// The bench went away: so do we.
process.on('disconnect', () => process.exit(0));
