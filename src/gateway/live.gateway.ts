import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Namespace, Socket } from 'socket.io';
import { ChatSendService } from '../chat/chat-send.service';
import { SendChatDto } from '../chat/dto/send-chat.dto';
import type { Principal } from '../common/auth/principal';
import { bearerToken, TokenVerifier } from '../common/auth/token-verifier';
import { ApiError, ErrorCode } from '../common/errors/api-error';
import { NotOwnerError } from '../cluster/not-owner.error';
import { OwnershipService } from '../cluster/ownership.service';
import { toErrorBody } from '../common/errors/error-body';
import { EventBus } from '../events/event-bus';
import { StartSessionDto } from '../sessions/dto/start-session.dto';
import { SessionsService } from '../sessions/sessions.service';
import { CommandRateLimit } from './command-rate-limit';
import type { Ack, LiveClientEvents, LiveServerEvents } from './socket-events';

type LiveSocket = Socket<
  LiveClientEvents,
  LiveServerEvents,
  Record<string, never>,
  { principal: Principal; limit: CommandRateLimit; token: string }
>;

const userRoom = (userId: string) => `user:${userId}`;
const OPS_ROOM = 'ops';
/** Server-side event carrying one tick's events to the other nodes' dashboards. */
const RELAY = 'live:relay';

/** One event for the dashboards in `rooms` (relayed as is to the other nodes). */
interface Relayed {
  rooms: string[];
  event: 'transition' | 'output' | 'chat' | 'viewers' | 'session';
  payload: unknown;
}
/** Coalesces bursts of changes into one `session` snapshot per user. */
const SNAPSHOT_DEBOUNCE_MS = 25;

/**
 * `/live`: dashboards get every change of their own session without polling, ops get
 * every user's transitions. A full snapshot on join, on reconnect and on resync means a
 * dashboard never misses a change. Commands are acknowledged and rate-limited per socket.
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(LiveGateway.name);
  private nsp!: Namespace<LiveClientEvents, LiveServerEvents>;
  private readonly pendingSnapshots = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Events of the current tick, for the other nodes (see `send`). */
  private relay: Relayed[] = [];

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly sessions: SessionsService,
    private readonly chat: ChatSendService,
    private readonly events: EventBus,
    private readonly ownership: OwnershipService,
  ) {}

  afterInit(nsp: Namespace<LiveClientEvents, LiveServerEvents>): void {
    this.nsp = nsp;
    nsp.on(RELAY, (items: Relayed[]) => this.onRelay(items));
    nsp.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token =
        typeof auth?.token === 'string'
          ? auth.token
          : bearerToken(socket.handshake.headers.authorization);
      if (!token) return next(new Error('Unauthorized: pass auth: { token } with a bearer JWT'));
      this.verifier.verify(token).then(
        (principal) => {
          socket.data.principal = principal;
          socket.data.token = token;
          socket.data.limit = new CommandRateLimit();
          next();
        },
        (err: unknown) => next(new Error(`Unauthorized: ${toErrorBody(err).message}`)),
      );
    });
    this.unsubscribe.push(
      this.events.on('session.transition', (t) =>
        this.send([userRoom(t.userId), OPS_ROOM], 'transition', t),
      ),
      this.events.on('session.output', (o) => this.send([userRoom(o.userId)], 'output', o)),
      this.events.on('chat.events', (b) => this.send([userRoom(b.userId)], 'chat', b.events)),
      this.events.on('session.viewers', (v) => this.send([userRoom(v.userId)], 'viewers', v)),
      this.events.on('session.changed', ({ userId }) => this.scheduleSnapshot(userId)),
    );
  }

  /**
   * Every event goes to this node's sockets at once, in order, and to the other nodes' in
   * one adapter message per tick. The adapter's own room broadcast delivers locally only
   * after its NOTIFY round trip: two transitions of one session could overtake each other
   * (seen after a database outage, when queued writes commit back to back), every event
   * waited for the database, and a chat batch per streamer per flush cost a NOTIFY each.
   * A node alone publishes nothing: a NOTIFY per tick that only it would read back cost
   * a round trip and a parse of its own payload, hundreds of times a second under load.
   */
  private send(rooms: string[], event: Relayed['event'], payload: unknown): void {
    this.emitLocal({ rooms, event, payload });
    if (this.relay.push({ rooms, event, payload }) > 1) return;
    setImmediate(() => {
      const items = this.relay;
      this.relay = [];
      // In order: every tick's check settles after the same number of microtasks.
      void this.peersMayListen().then((others) => {
        if (others) this.nsp.serverSideEmit(RELAY, items);
      });
    });
  }

  private emitLocal({ rooms, event, payload }: Relayed): void {
    (this.nsp.local.to(rooms) as { emit(event: string, payload: unknown): boolean }).emit(
      event,
      payload,
    );
  }

  private onRelay(items: Relayed[]): void {
    if (!Array.isArray(items)) return;
    for (const item of items) this.emitLocal(item);
  }

  onModuleDestroy(): void {
    this.unsubscribe.forEach((u) => u());
    this.pendingSnapshots.forEach((t) => clearTimeout(t));
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const { userId, role } = socket.data.principal;
    await socket.join(userRoom(userId));
    if (role === 'ops') await socket.join(OPS_ROOM);
    socket.on('session:start', (payload, ack) =>
      this.command(socket, payload, ack, () =>
        this.onOwner(socket, '/api/session/start', payload, () => this.start(userId, payload)),
      ),
    );
    socket.on('session:stop', (payload, ack) =>
      this.command(socket, payload, ack, () =>
        this.onOwner(
          socket,
          '/api/session/stop',
          {},
          async () => void (await this.sessions.stop(userId, 'user')),
        ),
      ),
    );
    socket.on('chat:send', (payload, ack) =>
      this.command(socket, payload, ack, () =>
        this.onOwner(socket, '/api/chat', payload, () => this.sendChat(userId, payload)),
      ),
    );
    socket.on('session:resync', (payload, ack) =>
      this.command(socket, payload, ack, () => this.snapshot(socket, userId), false),
    );
    // Closing a dashboard never touches the session: nothing to do on disconnect.
    await this.snapshot(socket, userId).catch(() => undefined);
  }

  /**
   * Runs a command here, or, when another node owns the session, on that node through its
   * REST route with the socket's own token (events come back over the Postgres adapter).
   */
  private async onOwner(
    socket: LiveSocket,
    route: string,
    payload: unknown,
    here: () => Promise<unknown>,
  ): Promise<unknown> {
    try {
      return await here();
    } catch (err) {
      if (!(err instanceof NotOwnerError) || !err.ownerUrl) throw err;
      const res = await fetch(new URL(route, err.ownerUrl), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${socket.data.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(typeof payload === 'object' && payload !== null ? payload : {}),
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
      if (!res)
        throw ApiError.unavailable(
          'OWNER_UNAVAILABLE',
          `The node that runs this session (${err.ownerNode}) did not answer`,
        );
      const body = (await res.json().catch(() => ({}))) as {
        message?: string;
        code?: string;
        results?: unknown;
      };
      if (!res.ok)
        throw new ApiError(
          res.status,
          (body.code ?? 'INTERNAL') as ErrorCode,
          body.message ?? 'Command failed',
        );
      return body.results !== undefined ? { results: body.results } : undefined;
    }
  }

  private async start(userId: string, payload: unknown): Promise<void> {
    const dto = await this.validated(StartSessionDto, payload);
    await this.sessions.start(userId, dto, 'user');
  }

  private async sendChat(userId: string, payload: unknown): Promise<{ results: unknown }> {
    const dto = await this.validated(SendChatDto, payload);
    return this.chat.send(userId, dto.text, dto.platforms);
  }

  private async snapshot(socket: LiveSocket, userId: string): Promise<void> {
    const view = await this.sessions.view(userId).catch(() => null);
    if (view) socket.emit('session', view);
  }

  private scheduleSnapshot(userId: string): void {
    if (this.pendingSnapshots.has(userId)) return;
    this.pendingSnapshots.set(
      userId,
      setTimeout(() => {
        this.pendingSnapshots.delete(userId);
        void this.anyoneListening(userId)
          .then(async (listening) => {
            if (!listening) return;
            this.send([userRoom(userId)], 'session', await this.sessions.view(userId));
          })
          .catch((err: unknown) => this.logger.debug({ err, userId }, 'Snapshot not sent'));
      }, SNAPSHOT_DEBOUNCE_MS),
    );
  }

  /**
   * Whether a snapshot could reach anyone: a dashboard of this user on this node, or any
   * other node in the cluster (its dashboards are not known here). Building the view costs
   * a query per change, which a node with 10,000 sessions and few dashboards should not
   * spend.
   */
  private async anyoneListening(userId: string): Promise<boolean> {
    if ((this.nsp.adapter.rooms.get(userRoom(userId))?.size ?? 0) > 0) return true;
    return this.peersMayListen();
  }

  /**
   * Whether another node may have dashboards: the database's node heartbeats say so (read
   * on start, before any socket, and on every lease renewal), or the Socket.IO adapter
   * heard from one (a node announces itself there as it starts, so the others know of it
   * before it accepts a socket, even between two of their renewals).
   */
  private async peersMayListen(): Promise<boolean> {
    if (this.ownership.peers > 0) return true;
    return (await this.nsp.adapter.serverCount()) > 1;
  }

  /**
   * Runs a command and acks `{ ok }` or `{ ok: false, error, code }`; never throws to the
   * socket. Commands without a payload may pass the ack first: `emit('session:stop', ack)`.
   */
  private command(
    socket: LiveSocket,
    payload: unknown,
    ack: unknown,
    work: () => Promise<unknown>,
    limited = true,
  ): void {
    const fn =
      typeof ack === 'function' ? ack : typeof payload === 'function' ? payload : undefined;
    const reply = fn ? (fn as (a: Ack) => void) : () => undefined;
    if (limited && !socket.data.limit.take()) {
      reply({ ok: false, error: 'Too many commands; slow down', code: 'RATE_LIMITED' });
      return;
    }
    work().then(
      (result) => reply({ ok: true, ...(result && typeof result === 'object' ? result : {}) }),
      (err: unknown) => {
        const body = toErrorBody(err);
        if (body.statusCode >= 500) this.logger.error({ err }, 'Socket command failed');
        reply({ ok: false, error: body.message, code: body.code });
      },
    );
  }

  private async validated<T extends object>(cls: new () => T, payload: unknown): Promise<T> {
    const dto = plainToInstance(cls, payload && typeof payload === 'object' ? payload : {});
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      throw ApiError.badRequest(
        'VALIDATION_FAILED',
        errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; '),
      );
    }
    return dto;
  }
}
