import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchCloudflareRoute, type CloudflareRoute } from '../cloudflare-routes';
import type { LiveInputStatus } from '../cloudflare-stream.port';
import {
  buildNotification,
  NOTIFICATION_AUTH_HEADER,
  signStreamWebhook,
  type LiveInputEventType,
} from '../webhook-verification';
import { handleApiRequest } from './fake-api-handler';
import { handleControlRequest } from './fake-control-routes';
import { errorEnvelope, FAKE_ERROR, sendJson } from './fake-envelope';
import { FaultInjector, type FaultSpec } from './fake-faults';
import { FakeStore, type FakeOutput, type StatusForm } from './fake-store';

export const FAKE_API_PREFIX = '/client/v4';
export const FAKE_DEFAULT_TOKEN = 'fake-cloudflare-api-token';
export const FAKE_DEFAULT_ACCOUNT_ID = '023e105f4ecef8ad9ca31a8372d0c353';

export interface CloudflareFakeOptions {
  port?: number;
  host?: string;
  apiToken?: string;
  accountId?: string;
  /** `object` sends `status` as `{ current: { state } }`, as some clients have seen. */
  statusForm?: StatusForm;
  /** Cloudflare Notifications destination for live input events (`cf-webhook-auth`). */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Stream video webhook destination (`Webhook-Signature`). */
  videoWebhookUrl?: string;
  videoWebhookSecret?: string;
  maxOutputsPerInput?: number;
  /** Time for timestamps and webhook signatures. */
  now?: () => number;
  /** Randomness for probabilistic faults. */
  random?: () => number;
}

export type FakeConfig = Required<
  Pick<
    CloudflareFakeOptions,
    'statusForm' | 'webhookSecret' | 'videoWebhookSecret' | 'maxOutputsPerInput'
  >
> &
  Pick<CloudflareFakeOptions, 'webhookUrl' | 'videoWebhookUrl'>;

export interface WebhookDelivery {
  url: string;
  status?: number;
  error?: string;
  body: unknown;
}

export interface FakeRequestRecord {
  route: CloudflareRoute;
  method: string;
  path: string;
  at: number;
}

export interface CloudflareFake {
  /** Base URL for the SDK (`baseURL`), ending in `/client/v4`. */
  url: string;
  /** Origin of the server, for `/__fake/...` control routes. */
  origin: string;
  port: number;
  apiToken: string;
  accountId: string;
  state: FakeStore;
  config: FakeConfig;
  configure(patch: Partial<FakeConfig>): void;
  close(): Promise<void>;

  connect(inputId: string): Promise<WebhookDelivery | undefined>;
  disconnect(inputId: string): Promise<WebhookDelivery | undefined>;
  /** Sets any status; notifies the webhook when Cloudflare would (connected/disconnected/errored). */
  setStatus(
    inputId: string,
    status: LiveInputStatus,
    options?: { notify?: boolean },
  ): Promise<WebhookDelivery | undefined>;
  /** Ends a recording: adds a ready video for the input and sends the signed video webhook. */
  finishRecording(
    inputId: string,
    options?: { durationSeconds?: number },
  ): Promise<{ video: Record<string, unknown>; delivery?: WebhookDelivery }>;

  injectFault(spec: FaultSpec): number;
  removeFault(id: number): void;
  clearFaults(): void;

  requestCount(route?: CloudflareRoute): number;
  requestCounts(): Partial<Record<CloudflareRoute, number>>;
  requests: FakeRequestRecord[];
  outputsOf(inputId: string): FakeOutput[];
  duplicateOutputs(inputId: string): FakeOutput[];
  /** Forgets inputs, outputs, videos, faults and counts. */
  reset(): void;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REQUEST_LOG = 10_000;

export async function createCloudflareFake(
  options: CloudflareFakeOptions = {},
): Promise<CloudflareFake> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const apiToken = options.apiToken ?? FAKE_DEFAULT_TOKEN;
  const accountId = options.accountId ?? FAKE_DEFAULT_ACCOUNT_ID;
  const config: FakeConfig = {
    statusForm: options.statusForm ?? 'string',
    webhookSecret: options.webhookSecret ?? 'fake-notification-secret',
    videoWebhookSecret: options.videoWebhookSecret ?? 'fake-video-webhook-secret',
    maxOutputsPerInput: options.maxOutputsPerInput ?? 50,
    webhookUrl: options.webhookUrl,
    videoWebhookUrl: options.videoWebhookUrl,
  };
  const store = new FakeStore(now, 'customer-fake0000000000000.cloudflarestream.com');
  const faults = new FaultInjector(options.random);
  const counts = new Map<CloudflareRoute, number>();
  const requests: FakeRequestRecord[] = [];
  const pending = new Set<ServerResponse>();

  async function post(
    url: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<WebhookDelivery> {
    const raw = JSON.stringify(body);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: raw,
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      return { url, status: res.status, body };
    } catch (err) {
      return { url, error: err instanceof Error ? err.message : String(err), body };
    }
  }

  async function setStatus(
    inputId: string,
    status: LiveInputStatus,
    opts: { notify?: boolean } = {},
  ): Promise<WebhookDelivery | undefined> {
    const input = store.inputs.get(inputId);
    if (!input) throw new Error(`fake: no live input ${inputId}`);
    input.status = status;
    store.touch(input);
    const eventType = notificationFor(status);
    if (opts.notify === false || !eventType || !config.webhookUrl) return undefined;
    const body = buildNotification({ inputId, eventType, at: new Date(now()) });
    return post(config.webhookUrl, body, { [NOTIFICATION_AUTH_HEADER]: config.webhookSecret });
  }

  const fake: CloudflareFake = {
    url: '',
    origin: '',
    port: 0,
    apiToken,
    accountId,
    state: store,
    config,
    configure(patch) {
      Object.assign(config, patch);
    },
    close: () => Promise.resolve(),
    connect(inputId) {
      const previous = store.inputs.get(inputId)?.status;
      return setStatus(inputId, previous === 'reconnecting' ? 'reconnected' : 'connected');
    },
    disconnect: (inputId) => setStatus(inputId, 'client_disconnect'),
    setStatus,
    async finishRecording(inputId, opts = {}) {
      if (!store.inputs.has(inputId)) throw new Error(`fake: no live input ${inputId}`);
      const video = store.addRecording(inputId, opts.durationSeconds ?? 60);
      if (!config.videoWebhookUrl) return { video };
      const raw = JSON.stringify(video);
      const signature = signStreamWebhook(raw, config.videoWebhookSecret, Math.floor(now() / 1000));
      const delivery = await post(config.videoWebhookUrl, video, {
        'webhook-signature': signature,
      });
      return { video, delivery };
    },
    injectFault: (spec) => faults.add(spec),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    requestCount(route) {
      if (route === undefined) return [...counts.values()].reduce((a, b) => a + b, 0);
      return counts.get(route) ?? 0;
    },
    requestCounts: () => Object.fromEntries(counts),
    requests,
    outputsOf: (inputId) => store.outputsOf(inputId),
    duplicateOutputs: (inputId) => store.duplicateOutputs(inputId),
    reset() {
      store.clear();
      faults.clear();
      counts.clear();
      requests.length = 0;
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, errorEnvelope(FAKE_ERROR.internal.code, String(err)));
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);

    if (url.pathname.startsWith('/__fake/')) {
      const reply = await handleControlRequest(fake, method, url, raw);
      sendJson(res, reply.status, reply.body);
      return;
    }

    const matched = url.pathname.startsWith(`${FAKE_API_PREFIX}/`)
      ? matchCloudflareRoute(method, url.pathname.slice(FAKE_API_PREFIX.length))
      : { route: 'other' as const };
    counts.set(matched.route, (counts.get(matched.route) ?? 0) + 1);
    requests.push({ route: matched.route, method, path: url.pathname, at: now() });
    if (requests.length > MAX_REQUEST_LOG) requests.shift();

    const action = faults.next(matched.route);
    if (action.kind === 'hang') {
      // Answered never; closed with the server.
      pending.add(res);
      res.on('close', () => pending.delete(res));
      return;
    }
    if ((action.kind === 'respond' || action.kind === 'reset') && action.delayMs > 0) {
      await delay(action.delayMs);
    }
    if (action.kind === 'delay') await delay(action.ms);
    if (action.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'respond') {
      const code = action.code ?? defaultCodeFor(action.status);
      const message = action.message ?? `Injected HTTP ${action.status}`;
      sendJson(res, action.status, errorEnvelope(code, message), {
        ...(action.retryAfter !== undefined && { 'retry-after': action.retryAfter }),
      });
      return;
    }

    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) {
      sendJson(
        res,
        401,
        errorEnvelope(FAKE_ERROR.unauthenticated.code, FAKE_ERROR.unauthenticated.message),
      );
      return;
    }
    if (
      auth.slice('Bearer '.length) !== apiToken ||
      (matched.accountId && matched.accountId !== accountId)
    ) {
      sendJson(
        res,
        403,
        errorEnvelope(FAKE_ERROR.authentication.code, FAKE_ERROR.authentication.message),
      );
      return;
    }

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        sendJson(
          res,
          400,
          errorEnvelope(FAKE_ERROR.invalidJson.code, FAKE_ERROR.invalidJson.message),
        );
        return;
      }
    }
    const reply = handleApiRequest(matched, url.searchParams, body, {
      store,
      statusForm: config.statusForm,
      maxOutputsPerInput: config.maxOutputsPerInput,
    });
    sendJson(res, reply.status, reply.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  fake.port = port;
  fake.origin = `http://${host}:${port}`;
  fake.url = `${fake.origin}${FAKE_API_PREFIX}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const res of pending) res.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

/** Which Notifications event Cloudflare sends for a status, if any. */
function notificationFor(status: LiveInputStatus): LiveInputEventType | undefined {
  switch (status) {
    case 'connected':
    case 'reconnected':
      return 'live_input.connected';
    case 'client_disconnect':
    case 'ttl_exceeded':
      return 'live_input.disconnected';
    case 'failed_to_connect':
    case 'failed_to_reconnect':
      return 'live_input.errored';
    default:
      return undefined;
  }
}

function defaultCodeFor(status: number): number {
  if (status === 429) return FAKE_ERROR.rateLimited.code;
  if (status === 401) return FAKE_ERROR.unauthenticated.code;
  if (status === 403) return FAKE_ERROR.authentication.code;
  if (status === 404) return FAKE_ERROR.noRoute.code;
  if (status >= 500) return FAKE_ERROR.internal.code;
  return FAKE_ERROR.badRequest.code;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
