import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './fault-injector';
import { JwtError, verifyHs256, type JwtClaims } from './fake-jwt';
import {
  FakeLiveKitState,
  participantJson,
  roomJson,
  type ProtoJson,
  type TrackSourceName,
  type WebhookPayload,
} from './fake-livekit.state';
import {
  TWIRP_STATUS,
  TwirpFault,
  isTwirpCode,
  writeJson,
  writeTwirpError,
  type TwirpCode,
} from './twirp';
import { WebhookSender } from './webhook-sender';

/**
 * A LiveKit server API as `livekit-server-sdk` sees it: Twirp JSON over
 * `POST /twirp/livekit.<Service>/<Method>`, each call authorised by `Authorization: Bearer
 * <jwt>` (HS256 with the API secret, issuer = API key, with the video grant the method
 * needs), errors as `{ code, msg }` with Twirp's HTTP status. Requests are read with proto
 * JSON or camelCase names (as protojson accepts both); answers use proto (snake_case)
 * names, as LiveKit's Twirp server sends them. Webhooks are signed like LiveKit's.
 *
 * Controls for tests and other processes: methods on this class, and the same under
 * `/__fake/...` over HTTP (see `handleControl`).
 */

export interface FakeLiveKitOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Where webhooks go; without one they are only recorded. */
  webhookUrl?: string;
  /** Move egresses on by themselves (STARTING -> ACTIVE, ENDING -> COMPLETE). Default true. */
  autoAdvance?: boolean;
}

interface VideoGrantClaims {
  roomRecord?: boolean;
  roomAdmin?: boolean;
  roomCreate?: boolean;
  roomList?: boolean;
  ingressAdmin?: boolean;
  room?: string;
}

type Handler = (body: ProtoJson, grant: VideoGrantClaims) => ProtoJson;

export interface PublishOptions {
  name?: string;
  sources?: TrackSourceName[];
}

export class FakeLiveKitServer {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly faults = new FaultInjector();
  readonly webhooks: WebhookSender;
  readonly state: FakeLiveKitState;
  /** Every Twirp call answered, in order: method and HTTP status (0 = connection dropped). */
  readonly calls: { method: string; status: number }[] = [];
  private server: Server | undefined;
  private baseUrl = '';
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly routes: Record<string, Handler>;

  constructor(options: FakeLiveKitOptions = {}) {
    this.apiKey = options.apiKey ?? 'devkey';
    this.apiSecret = options.apiSecret ?? 'fake-livekit-secret-0123456789abcdef';
    this.webhooks = new WebhookSender({
      apiKey: this.apiKey,
      apiSecret: this.apiSecret,
      url: options.webhookUrl,
    });
    this.state = new FakeLiveKitState({
      autoAdvance: options.autoAdvance,
      emit: (event) => void this.webhooks.send(event),
    });
    this.routes = this.buildRoutes();
  }

  get url(): string {
    if (!this.server) throw new Error('fake LiveKit is not started');
    return this.baseUrl;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.webhooks.flush();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------ controls

  setWebhookUrl(url: string | undefined): void {
    this.webhooks.url = url;
  }

  /** The creator's browser joins `room` and publishes tracks: participant_joined + track_published. */
  async simulatePublish(
    room: string,
    identity: string,
    options: PublishOptions = {},
  ): Promise<ProtoJson> {
    this.state.join(room, identity, options.name);
    for (const source of options.sources ?? ['CAMERA', 'MICROPHONE'])
      this.state.publish(room, identity, source);
    await this.webhooks.flush();
    return participantJson(this.state.requireRoom(room).participants.get(identity)!);
  }

  /** track_unpublished for each track, then participant_left. */
  async simulateLeave(room: string, identity: string): Promise<void> {
    this.state.leave(room, identity);
    await this.webhooks.flush();
  }

  /** The room closes: its egresses complete, then room_finished. */
  async simulateRoomFinished(room: string): Promise<void> {
    this.state.deleteRoom(room);
    await this.webhooks.flush();
  }

  async failEgress(egressId: string, error = 'egress failed'): Promise<ProtoJson> {
    const info = this.state.failEgress(egressId, error);
    await this.webhooks.flush();
    return info;
  }

  /** Destinations starting with `urlPrefix` fail (now, and when added later). */
  async failUrl(urlPrefix: string, error = 'rtmp connection refused'): Promise<void> {
    this.state.failUrl(urlPrefix, error);
    await this.webhooks.flush();
  }

  async advanceEgress(egressId: string): Promise<ProtoJson> {
    const info = this.state.advanceEgress(egressId);
    await this.webhooks.flush();
    return info;
  }

  /** Sends any webhook, signed; for events the state model does not produce itself. */
  sendWebhook(payload: WebhookPayload): Promise<void> {
    return this.webhooks.send(payload);
  }

  flushWebhooks(): Promise<void> {
    return this.webhooks.flush();
  }

  reset(): void {
    this.state.reset();
    this.faults.clear();
    this.webhooks.reset();
    this.calls.length = 0;
  }

  // ------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const raw = await readBody(req);
      if (path.startsWith('/__fake/')) {
        await this.handleControl(req.method ?? 'GET', path, raw, res);
        return;
      }
      await this.handleTwirp(req, path, raw, res);
    } catch (err) {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof TwirpFault) writeTwirpError(res, err);
      else writeTwirpError(res, new TwirpFault('internal', 'fake LiveKit internal error'));
    }
  }

  private async handleTwirp(
    req: IncomingMessage,
    path: string,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(path);
    const method = match ? `${match[1]}/${match[2]}` : path;
    const handler = match ? this.routes[method] : undefined;
    const fault = this.faults.take(method);
    if (fault.latencyMs > 0) await this.delay(fault.latencyMs);
    if (fault.kind === 'reset') {
      this.calls.push({ method, status: 0 });
      req.socket.destroy();
      return;
    }
    const answer = (status: number, body: unknown) => {
      this.calls.push({ method, status });
      if (!res.destroyed) writeJson(res, status, body);
    };
    try {
      if (req.method !== 'POST' || !handler)
        throw new TwirpFault('bad_route', `no handler for ${req.method} ${path}`);
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new TwirpFault('bad_route', 'unexpected Content-Type');
      }
      const grant = this.authorize(req.headers.authorization);
      if (fault.kind === 'error') throw new TwirpFault(fault.code, fault.msg);
      answer(200, handler(parseObject(raw), grant));
    } catch (err) {
      const fault =
        err instanceof TwirpFault ? err : new TwirpFault('internal', 'fake LiveKit internal error');
      answer(TWIRP_STATUS[fault.code], { code: fault.code, msg: fault.message });
    }
  }

  private authorize(header: string | undefined): VideoGrantClaims {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token)
      throw new TwirpFault('unauthenticated', 'authorization header missing or not a bearer token');
    let claims: JwtClaims;
    try {
      claims = verifyHs256(token, this.apiKey, this.apiSecret);
    } catch (err) {
      throw new TwirpFault(
        'unauthenticated',
        err instanceof JwtError ? err.message : 'invalid token',
      );
    }
    const video = claims.video;
    return typeof video === 'object' && video !== null ? (video as VideoGrantClaims) : {};
  }

  private buildRoutes(): Record<string, Handler> {
    const s = this.state;
    return {
      'Egress/StartRoomCompositeEgress': (body, grant) => {
        need(grant.roomRecord, 'roomRecord');
        return s.startEgress({
          kind: 'room_composite',
          roomName: str(body, 'room_name'),
          urls: streamUrls(body),
          options: compact({
            layout: str(body, 'layout'),
            audio_only: bool(body, 'audio_only'),
            video_only: bool(body, 'video_only'),
          }),
        });
      },
      'Egress/StartTrackCompositeEgress': (body, grant) => {
        need(grant.roomRecord, 'roomRecord');
        return s.startEgress({
          kind: 'track_composite',
          roomName: str(body, 'room_name'),
          urls: streamUrls(body),
          options: compact({
            audio_track_id: str(body, 'audio_track_id'),
            video_track_id: str(body, 'video_track_id'),
          }),
        });
      },
      'Egress/UpdateStream': (body, grant) => {
        need(grant.roomRecord, 'roomRecord');
        return s.updateStream(
          str(body, 'egress_id'),
          strings(body, 'add_output_urls'),
          strings(body, 'remove_output_urls'),
        );
      },
      'Egress/StopEgress': (body, grant) => {
        need(grant.roomRecord, 'roomRecord');
        return s.stopEgress(str(body, 'egress_id'));
      },
      'Egress/ListEgress': (body, grant) => {
        need(grant.roomRecord, 'roomRecord');
        return {
          items: s.listEgress({
            roomName: str(body, 'room_name'),
            egressId: str(body, 'egress_id'),
            active: bool(body, 'active'),
          }),
        };
      },
      'RoomService/CreateRoom': (body, grant) => {
        need(grant.roomCreate, 'roomCreate');
        return roomJson(
          s.createRoom(str(body, 'name'), {
            emptyTimeout: num(body, 'empty_timeout'),
            departureTimeout: num(body, 'departure_timeout'),
            maxParticipants: num(body, 'max_participants'),
            metadata: str(body, 'metadata') || undefined,
          }),
        );
      },
      'RoomService/DeleteRoom': (body, grant) => {
        need(grant.roomCreate, 'roomCreate');
        s.deleteRoom(str(body, 'room'));
        return {};
      },
      'RoomService/ListRooms': (body, grant) => {
        need(grant.roomList, 'roomList');
        const names = strings(body, 'names');
        const rooms = [...s.rooms.values()].filter(
          (r) => names.length === 0 || names.includes(r.name),
        );
        return { rooms: rooms.map(roomJson) };
      },
      'RoomService/ListParticipants': (body, grant) => {
        const room = str(body, 'room');
        need(grant.roomAdmin && grant.room === room, 'roomAdmin for this room');
        return {
          participants: [...s.requireRoom(room).participants.values()].map(participantJson),
        };
      },
    };
  }

  /**
   * HTTP controls, JSON bodies:
   * - `POST /__fake/reset`
   * - `POST /__fake/webhook-url` `{ url }`
   * - `POST /__fake/faults` `{ method: "Egress/ListEgress"|"*", code?, reset?, latencyMs?, times?, msg? }`;
   *   `DELETE /__fake/faults`
   * - `POST /__fake/failing-urls` `{ urlPrefix, error? }`
   * - `POST /__fake/rooms/:room/publish` `{ identity, name?, sources?: ["camera","microphone"] }`
   * - `POST /__fake/rooms/:room/participants/:identity/leave`
   * - `POST /__fake/rooms/:room/finish`
   * - `POST /__fake/egress/:id/fail` `{ error? }`; `POST /__fake/egress/:id/advance`
   * - `POST /__fake/webhooks` (any WebhookEvent in proto JSON, signed and sent)
   * - `GET /__fake/state`, `GET /__fake/webhooks`
   */
  private async handleControl(
    method: string,
    path: string,
    raw: string,
    res: ServerResponse,
  ): Promise<void> {
    const body = raw ? parseObject(raw) : {};
    const parts = path.split('/').slice(2).map(decodeURIComponent);
    const route = `${method} ${parts.map((p, i) => (isParam(parts, i) ? ':' : p)).join('/')}`;
    const ok = (result: unknown = { ok: true }) => writeJson(res, 200, result);
    switch (route) {
      case 'POST reset':
        this.reset();
        return ok();
      case 'POST webhook-url':
        this.setWebhookUrl(str(body, 'url') || undefined);
        return ok();
      case 'POST faults': {
        const code = body.code;
        if (code !== undefined && !isTwirpCode(code))
          throw new TwirpFault('invalid_argument', 'unknown twirp code');
        this.faults.set(str(body, 'method') || '*', {
          code: code as TwirpCode | undefined,
          reset: bool(body, 'reset'),
          latencyMs: num(body, 'latency_ms'),
          times: num(body, 'times'),
          msg: str(body, 'msg') || undefined,
        });
        return ok();
      }
      case 'DELETE faults':
        this.faults.clear();
        return ok();
      case 'POST failing-urls':
        await this.failUrl(str(body, 'url_prefix'), str(body, 'error') || undefined);
        return ok();
      case 'POST rooms/:/publish': {
        const sources = strings(body, 'sources').map((x) => x.toUpperCase() as TrackSourceName);
        return ok(
          await this.simulatePublish(parts[1], str(body, 'identity'), {
            name: str(body, 'name') || undefined,
            sources: sources.length > 0 ? sources : undefined,
          }),
        );
      }
      case 'POST rooms/:/participants/:/leave':
        await this.simulateLeave(parts[1], parts[3]);
        return ok();
      case 'POST rooms/:/finish':
        await this.simulateRoomFinished(parts[1]);
        return ok();
      case 'POST egress/:/fail':
        return ok(await this.failEgress(parts[1], str(body, 'error') || undefined));
      case 'POST egress/:/advance':
        return ok(await this.advanceEgress(parts[1]));
      case 'POST webhooks':
        await this.sendWebhook(body as unknown as WebhookPayload);
        return ok();
      case 'GET webhooks':
        return ok({ deliveries: this.webhooks.deliveries });
      case 'GET state':
        return ok({
          rooms: [...this.state.rooms.values()].map((r) => ({
            ...roomJson(r),
            participants: [...r.participants.values()].map(participantJson),
          })),
          egresses: this.state.listEgress({}),
        });
      default:
        throw new TwirpFault('bad_route', `no fake control ${method} ${path}`);
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** Path segments that are values: the room, identity or egress id in the routes above. */
function isParam(parts: string[], i: number): boolean {
  return (
    (i === 1 && (parts[0] === 'rooms' || parts[0] === 'egress')) ||
    (i === 3 && parts[2] === 'participants')
  );
}

function need(granted: boolean | undefined, what: string): void {
  if (!granted)
    throw new TwirpFault('permission_denied', `permissions denied: ${what} grant required`);
}

// ------------------------------------------------------------ proto JSON request reading

/** protojson accepts a field by its proto name or its JSON (lowerCamel) name. */
function get(body: ProtoJson, protoName: string): unknown {
  if (protoName in body) return body[protoName];
  return body[protoName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

function str(body: ProtoJson, name: string): string {
  const v = get(body, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new TwirpFault('malformed', `${name} must be a string`);
  return v;
}

function bool(body: ProtoJson, name: string): boolean | undefined {
  const v = get(body, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new TwirpFault('malformed', `${name} must be a boolean`);
  return v;
}

function num(body: ProtoJson, name: string): number | undefined {
  const v = get(body, name);
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new TwirpFault('malformed', `${name} must be a number`);
  return n;
}

function strings(body: ProtoJson, name: string): string[] {
  const v = get(body, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new TwirpFault('malformed', `${name} must be a list of strings`);
  }
  return v;
}

/** URLs of the deprecated `stream` output and of every `stream_outputs` entry (the SDK may send both). */
function streamUrls(body: ProtoJson): string[] {
  const outputs: unknown[] = [];
  const legacy = get(body, 'stream');
  if (legacy !== undefined && legacy !== null) outputs.push(legacy);
  const list = get(body, 'stream_outputs');
  if (Array.isArray(list)) outputs.push(...list);
  const urls: string[] = [];
  for (const output of outputs) {
    if (typeof output !== 'object' || output === null)
      throw new TwirpFault('malformed', 'bad stream output');
    const o = output as ProtoJson;
    const protocol = get(o, 'protocol');
    if (
      protocol !== undefined &&
      protocol !== 'RTMP' &&
      protocol !== 1 &&
      protocol !== 'DEFAULT_PROTOCOL' &&
      protocol !== 0
    ) {
      throw new TwirpFault(
        'invalid_argument',
        'only RTMP stream outputs are supported by the fake',
      );
    }
    urls.push(...strings(o, 'urls'));
  }
  return [...new Set(urls)];
}

function parseObject(raw: string): ProtoJson {
  let value: unknown;
  try {
    value = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw new TwirpFault('malformed', 'the request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TwirpFault('malformed', 'the request body is not a JSON object');
  }
  return value as ProtoJson;
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== ''));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
