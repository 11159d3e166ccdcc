import fc from 'fast-check';
import type { Socket } from 'socket.io-client';

/**
 * Generated input for the fuzz tests (a sample in `npm test`, many more in `npm run chaos`):
 * every HTTP route and socket command with arbitrary path segments, queries and bodies.
 */
export type FuzzMethod = 'get' | 'post' | 'put' | 'delete';

/** Every route of the contract; `:p` is replaced by a generated path segment. */
export const FUZZ_ROUTES: readonly [method: FuzzMethod, path: string][] = [
  ['post', '/api/session'],
  ['get', '/api/session'],
  ['post', '/api/session/start'],
  ['post', '/api/session/stop'],
  ['put', '/api/session/outputs/:p'],
  ['get', '/api/ingest'],
  ['post', '/api/ingest/reveal'],
  ['get', '/api/platforms'],
  ['put', '/api/platforms/:p'],
  ['delete', '/api/platforms/:p'],
  ['get', '/api/chat'],
  ['post', '/api/chat'],
  ['get', '/api/broadcasts'],
  ['get', '/api/streams/:p/status'],
  ['get', '/api/ops/sessions'],
  ['get', '/api/ops/sessions/:p'],
  ['post', '/api/ops/sessions/:p/reconcile'],
  ['post', '/api/ops/sessions/:p/force-stop'],
  ['get', '/api/ops/audit'],
  ['post', '/webhooks/cloudflare/live-input'],
  ['post', '/webhooks/cloudflare/video'],
];

/** The socket commands of the `/live` namespace, plus names it does not know. */
export const FUZZ_SOCKET_EVENTS = [
  'session:start',
  'session:stop',
  'session:resync',
  'chat:send',
] as const;

/** A path segment: platform names, other users' ids, traversal, bad encodings, noise. */
export function segmentArb(userIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      'twitch',
      'youtube',
      'kick',
      'facebook',
      ...userIds,
      '..',
      '%00',
      '%E0%A4%A',
      'a'.repeat(300),
    ),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
  );
}

export const queryArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom('limit', 'before', 'state', 'stuck', 'userId', 'x'),
  fc.string({ maxLength: 20 }),
  { maxKeys: 3 },
);

export const bodyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.object(),
  fc.string().map((s) => ({ raw: s })),
  fc.record(
    {
      platforms: fc.oneof(fc.array(fc.string({ maxLength: 10 })), fc.anything()),
      title: fc.oneof(fc.string({ maxLength: 200 }), fc.anything()),
      text: fc.oneof(fc.string({ maxLength: 600 }), fc.anything()),
      enabled: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

export interface HttpCase {
  method: FuzzMethod;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export function httpCaseArb(userIds: readonly string[]): fc.Arbitrary<HttpCase> {
  return fc
    .tuple(fc.constantFrom(...FUZZ_ROUTES), segmentArb(userIds), queryArb, bodyArb)
    .map(([[method, path], seg, query, body]) => ({
      method,
      path: path.replace(':p', seg),
      query,
      body,
    }));
}

export interface SocketCase {
  event: string;
  payload: unknown;
  /** Whether the command is sent with an acknowledgement callback. */
  withAck: boolean;
}

export const socketCaseArb: fc.Arbitrary<SocketCase> = fc.record({
  event: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FUZZ_SOCKET_EVENTS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  ),
  payload: fc.oneof(bodyArb, fc.anything()),
  withAck: fc.boolean(),
});

/** The error body every 4xx must have (the contract's shape). */
export function isErrorBody(status: number, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    b.statusCode === status &&
    typeof b.error === 'string' &&
    typeof b.message === 'string' &&
    typeof b.code === 'string'
  );
}

/** The codes that only a server-side failure produces. */
const SERVER_FAILURE_CODES = new Set(['INTERNAL']);

/**
 * Sends one generated socket command. Resolves with what broke the contract (no answer,
 * an answer of the wrong shape, a server failure), or undefined when the answer was fine.
 * Unknown event names get no answer by design; they must simply not hurt the server.
 */
export async function runSocketCase(
  socket: Socket,
  c: SocketCase,
  timeoutMs = 10_000,
): Promise<string | undefined> {
  const known = (FUZZ_SOCKET_EVENTS as readonly string[]).includes(c.event);
  if (!c.withAck || !known) {
    socket.emit(c.event, c.payload);
    return undefined;
  }
  let ack: unknown;
  try {
    ack = await socket.timeout(timeoutMs).emitWithAck(c.event, c.payload);
  } catch {
    return `${c.event}: no acknowledgement within ${timeoutMs} ms`;
  }
  const a = ack as Record<string, unknown> | null;
  if (typeof a !== 'object' || a === null || typeof a.ok !== 'boolean')
    return `${c.event}: acknowledgement without ok: ${JSON.stringify(ack)}`;
  if (a.ok) return undefined;
  if (typeof a.code !== 'string' || typeof a.error !== 'string')
    return `${c.event}: failure without code/error: ${JSON.stringify(ack)}`;
  if (SERVER_FAILURE_CODES.has(a.code)) return `${c.event}: server failure ${a.code}: ${a.error}`;
  return undefined;
}
