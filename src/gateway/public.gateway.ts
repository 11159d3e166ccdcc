import { OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { USER_ID_PATTERN } from '../common/http/query';
import { PublicStatusService } from '../public-status/public-status.service';
import { CommandRateLimit } from './command-rate-limit';
import type { Ack, PublicClientEvents, PublicServerEvents } from './socket-events';

const MAX_SUBSCRIPTIONS = 50;

/** `/public`: viewer pages subscribe to a stream's public status; no auth, no secrets. */
@WebSocketGateway({ namespace: '/public' })
export class PublicGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private nsp!: Namespace<PublicClientEvents, PublicServerEvents>;
  private unsubscribe?: () => void;

  constructor(private readonly status: PublicStatusService) {}

  afterInit(nsp: Namespace<PublicClientEvents, PublicServerEvents>): void {
    this.nsp = nsp;
    this.unsubscribe = this.status.onChange((userId, s) =>
      this.nsp.to(`public:${userId}`).emit('status', { userId, ...s }),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  handleConnection(socket: Socket<PublicClientEvents, PublicServerEvents>): void {
    const limit = new CommandRateLimit(20, 10_000);
    socket.on('subscribe', (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : (_a: Ack) => undefined;
      const userId = (payload as { userId?: unknown } | undefined)?.userId;
      if (!limit.take())
        return reply({ ok: false, error: 'Too many requests', code: 'RATE_LIMITED' });
      if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
        return reply({ ok: false, error: 'userId must be a user id', code: 'VALIDATION_FAILED' });
      }
      if (socket.rooms.size > MAX_SUBSCRIPTIONS) {
        return reply({
          ok: false,
          error: `At most ${MAX_SUBSCRIPTIONS} subscriptions per connection`,
          code: 'RATE_LIMITED',
        });
      }
      void socket.join(`public:${userId}`);
      void this.status.get(userId).then((s) => socket.emit('status', { userId, ...s }));
      reply({ ok: true });
    });
    socket.on('unsubscribe', (payload, ack) => {
      const userId = (payload as { userId?: unknown } | undefined)?.userId;
      if (typeof userId === 'string') void socket.leave(`public:${userId}`);
      if (typeof ack === 'function') ack({ ok: true });
    });
  }
}
