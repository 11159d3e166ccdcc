/**
 * The dashboards: real Socket.IO clients (and the HTTP senders whose timestamps they are
 * compared with) in their own process, so the service's event loop is measured alone.
 * Driven over IPC by bench/lib/client-process.ts.
 */
import { io, type Socket } from 'socket.io-client';
import { buildNotification } from '../../libs/cloudflare/webhook-verification';
import { summarize } from '../lib/stats';
import type {
  ChatFaninReply,
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

/** Posts sandbox chat messages at a fixed rate; every fanned-out copy is timed on its socket. */
async function chatFanin(
  req: Extract<ClientRequest, { kind: 'chat-fanin' }>,
): Promise<ChatFaninReply> {
  const runId = Math.random().toString(36).slice(2, 8);
  const latencies: number[] = [];
  let received = 0;
  let receivedInWindow = 0;
  let windowOpen = true;
  const listener = (events: ChatPayload[], at: number) => {
    for (const e of events) {
      const m = /^bench (\w+) (\d+) ([\d.]+)$/.exec(e.text);
      if (!m || m[1] !== runId) continue;
      received++;
      if (windowOpen) receivedInWindow++;
      latencies.push(at - Number(m[3]));
    }
  };
  chatListeners.add(listener);
  let posts = 0;
  let postErrors = 0;
  let firstPostError: string | undefined;
  let inFlight = 0;
  const post = (seq: number) => {
    inFlight++;
    const text = `bench ${runId} ${seq} ${performance.now().toFixed(3)}`;
    fetch(`${req.url}/api/sandbox/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${req.senderToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    })
      .then(async (res) => {
        const body = await res.text();
        if (res.status === 200) posts++;
        else {
          postErrors++;
          firstPostError ??= `${res.status} ${body.slice(0, 200)}`;
        }
      })
      .catch((err: unknown) => {
        postErrors++;
        firstPostError ??= String(err);
      })
      .finally(() => inFlight--);
  };
  const start = performance.now();
  let seq = 0;
  while (performance.now() - start < req.durationMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * req.postsPerSec);
    while (seq < due && inFlight < req.maxInFlight) post(seq++);
    await new Promise((r) => setTimeout(r, 2));
  }
  const sendMs = performance.now() - start;
  windowOpen = false;
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  const deadline = performance.now() + req.drainMs;
  while (received < posts * req.expectedPerPost && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  chatListeners.delete(listener);
  return {
    runId,
    posts,
    postErrors,
    firstPostError,
    received,
    sendMs,
    receivedInWindow,
    latencyMs: summarize(latencies),
  };
}

async function handle(req: ClientRequest): Promise<ClientReply> {
  switch (req.kind) {
    case 'connect':
      return connect(req);
    case 'webhook-latency':
      return webhookLatency(req);
    case 'chat-fanin':
      return chatFanin(req);
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
