import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeServer, createJsonServer, listen } from '../../common/http-server';
import { KICK_EVENTS } from './kick-samples';

export interface FakeKickChannel {
  slug: string;
  /** `broadcaster_user_id` in the public API; the sender id of the streamer's messages. */
  userId: number;
  username: string;
  chatroomId: number;
  viewerCount: number;
  isLive: boolean;
  title: string;
}

export interface ReceivedKickChat {
  userId: number;
  broadcasterUserId: number;
  content: string;
  type: string;
  messageId: string;
}

interface PusherClient {
  socket: WebSocket;
  channels: Set<string>;
}

type Answer = { status: number; body?: unknown };

/** Every Pusher frame is JSON whose `data` is itself a JSON string. */
function frame(event: string, data: unknown, channel?: string): string {
  return JSON.stringify({ event, data: JSON.stringify(data), ...(channel ? { channel } : {}) });
}

/**
 * A Kick stand-in on one port: a Pusher-protocol (v7) WebSocket at `/app/<key>` (what
 * pusher-js speaks), the public API (`/public/v1/channels`, `/public/v1/chat`) and the
 * website's channel lookup (`/api/v2/channels/<slug>`, where the chatroom id lives).
 */
export class FakeKickServer {
  /** Bearer tokens the public API accepts -> the Kick user id they belong to. */
  readonly tokens = new Map<string, number>();
  readonly channels = new Map<string, FakeKickChannel>();
  /** Messages clients sent through `POST /public/v1/chat`. */
  readonly received: ReceivedKickChat[] = [];
  /** Connections accepted so far (reconnect tests count these). */
  connections = 0;
  /** Pusher close code to refuse new connections with (e.g. 4001), or undefined to accept. */
  refuseWith: number | undefined;
  private readonly clients = new Set<PusherClient>();
  private readonly wss: WebSocketServer;
  private sockets = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly appKey: string,
  ) {
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      if (!url.pathname.startsWith('/app/')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, url));
    });
  }

  static async start(port = 0, appKey = 'fake-kick-key'): Promise<FakeKickServer> {
    const holder: { fake?: FakeKickServer } = {};
    const server = createJsonServer((req, url, body) => holder.fake?.http(req, url, body));
    const fake = new FakeKickServer(server, await listen(server, port), appKey);
    holder.fake = fake;
    return fake;
  }

  get host(): string {
    return '127.0.0.1';
  }
  get apiBaseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addChannel(c: Partial<FakeKickChannel> & { slug: string }): FakeKickChannel {
    const channel: FakeKickChannel = {
      userId: c.userId ?? 1000 + this.channels.size,
      username: c.username ?? c.slug,
      chatroomId: c.chatroomId ?? 2000 + this.channels.size,
      viewerCount: c.viewerCount ?? 0,
      isLive: c.isLive ?? true,
      title: c.title ?? 'Live on Kick',
      ...c,
    };
    this.channels.set(channel.slug, channel);
    return channel;
  }

  /** Clients currently subscribed to `channel` (e.g. `chatrooms.1.v2`). */
  subscribers(channel: string): number {
    return [...this.clients].filter((c) => c.channels.has(channel)).length;
  }

  /** Broadcasts one event to a channel's subscribers, `data` double-encoded as Kick does. */
  broadcast(channel: string, event: string, data: unknown): void {
    this.broadcastMany(channel, [{ event, data }]);
  }

  broadcastMany(channel: string, events: { event: string; data: unknown }[]): void {
    const frames = events.map((e) => frame(e.event, e.data, channel));
    for (const client of this.clients) {
      if (!client.channels.has(channel)) continue;
      for (const f of frames) client.socket.send(f);
    }
  }

  /**
   * Broadcasts each channel's events (keys: Pusher channel names) to its subscribers, in one
   * pass over the clients (for load generators; Pusher sends one event per frame).
   */
  broadcastToChannels(
    eventsByChannel: ReadonlyMap<string, readonly { event: string; data: unknown }[]>,
  ): void {
    const frames = new Map<string, string[]>();
    for (const [channel, events] of eventsByChannel)
      frames.set(
        channel,
        events.map((e) => frame(e.event, e.data, channel)),
      );
    for (const client of this.clients) {
      for (const channel of client.channels) {
        for (const f of frames.get(channel) ?? []) client.socket.send(f);
      }
    }
  }

  /** Closes every connection with a Pusher close code (4000–4099 refuse, 4100–4199 back off…). */
  closeConnections(code: number, reason = 'closed by fake'): void {
    for (const client of this.clients) client.socket.close(code, reason);
  }

  /** Cuts every connection without a close frame (a network drop, code 1006 at the client). */
  dropConnections(): void {
    for (const client of this.clients) client.socket.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.wss.close();
    await closeServer(this.server);
  }

  private accept(socket: WebSocket, url: URL): void {
    this.connections += 1;
    const key = url.pathname.slice('/app/'.length);
    if (key !== this.appKey || url.searchParams.get('protocol') !== '7') {
      // Pusher's answer to an unknown app key: an error event, then close 4001.
      socket.send(
        frame('pusher:error', { code: 4001, message: `App key ${key} not in this cluster` }),
      );
      socket.close(4001, 'App key not in this cluster');
      return;
    }
    if (this.refuseWith !== undefined) {
      socket.close(this.refuseWith, 'refused by fake');
      return;
    }
    const client: PusherClient = { socket, channels: new Set() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (raw) => this.onFrame(client, raw.toString()));
    this.sockets += 1;
    socket.send(
      frame('pusher:connection_established', {
        socket_id: `123.${456 + this.sockets}`,
        activity_timeout: 120,
      }),
    );
  }

  private onFrame(client: PusherClient, raw: string): void {
    let message: { event?: unknown; data?: unknown };
    try {
      message = JSON.parse(raw) as { event?: unknown; data?: unknown };
    } catch {
      return;
    }
    const data = (
      typeof message.data === 'object' && message.data !== null ? message.data : {}
    ) as {
      channel?: unknown;
    };
    switch (message.event) {
      case 'pusher:ping':
        client.socket.send(frame('pusher:pong', {}));
        break;
      case 'pusher:subscribe':
        if (typeof data.channel === 'string') {
          client.channels.add(data.channel);
          client.socket.send(frame('pusher_internal:subscription_succeeded', {}, data.channel));
        }
        break;
      case 'pusher:unsubscribe':
        if (typeof data.channel === 'string') client.channels.delete(data.channel);
        break;
      default:
        break;
    }
  }

  private http(req: IncomingMessage, url: URL, body: string): Answer | undefined {
    const website = /^\/api\/v2\/channels\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && website) return this.websiteChannel(decodeURIComponent(website[1]));
    if (!url.pathname.startsWith('/public/v1/')) return undefined;
    const userId = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (userId === undefined) return { status: 401, body: { message: 'Unauthorized', data: {} } };
    if (req.method === 'GET' && url.pathname === '/public/v1/channels')
      return this.publicChannels(url);
    if (req.method === 'POST' && url.pathname === '/public/v1/chat')
      return this.postChat(userId, body);
    return undefined;
  }

  private websiteChannel(slug: string): Answer {
    const c = this.channels.get(slug.toLowerCase());
    if (!c) return { status: 404, body: { message: 'Not found' } };
    return {
      status: 200,
      body: {
        id: c.userId + 1,
        user_id: c.userId,
        slug: c.slug,
        is_banned: false,
        vod_enabled: true,
        subscription_enabled: true,
        followers_count: 0,
        user: { id: c.userId, username: c.username },
        chatroom: {
          id: c.chatroomId,
          chatable_type: 'App\\Models\\Channel',
          channel_id: c.userId + 1,
          chat_mode: 'public',
          slow_mode: false,
        },
        livestream: c.isLive
          ? {
              id: 1,
              slug: `${c.slug}-live`,
              session_title: c.title,
              is_live: true,
              viewer_count: c.viewerCount,
            }
          : null,
      },
    };
  }

  private publicChannels(url: URL): Answer {
    const slugs = url.searchParams.getAll('slug');
    const ids = url.searchParams.getAll('broadcaster_user_id').map(Number);
    const data = [...this.channels.values()]
      .filter((c) => slugs.includes(c.slug) || ids.includes(c.userId))
      .map((c) => ({
        banner_picture: '',
        broadcaster_user_id: c.userId,
        category: { id: 15, name: 'Just Chatting', thumbnail: '' },
        channel_description: '',
        slug: c.slug,
        stream: {
          is_live: c.isLive,
          is_mature: false,
          key: '',
          language: 'en',
          start_time: '2024-01-01T00:00:00Z',
          thumbnail: '',
          url: '',
          viewer_count: c.isLive ? c.viewerCount : 0,
        },
        stream_title: c.title,
      }));
    return { status: 200, body: { data, message: 'OK' } };
  }

  private postChat(userId: number, body: string): Answer {
    let parsed: { content?: unknown; type?: unknown; broadcaster_user_id?: unknown };
    try {
      parsed = JSON.parse(body || '{}') as typeof parsed;
    } catch {
      return { status: 400, body: { message: 'Invalid request body', data: {} } };
    }
    const { content, type } = parsed;
    const broadcasterId = type === 'bot' ? userId : Number(parsed.broadcaster_user_id);
    const target = [...this.channels.values()].find((c) => c.userId === broadcasterId);
    if (typeof content !== 'string' || content.length === 0 || content.length > 500) {
      return { status: 400, body: { message: 'content must be 1-500 characters', data: {} } };
    }
    if ((type !== 'user' && type !== 'bot') || !target) {
      return { status: 400, body: { message: 'invalid type or broadcaster_user_id', data: {} } };
    }
    const messageId = randomUUID();
    this.received.push({ userId, broadcasterUserId: broadcasterId, content, type, messageId });
    const sender = [...this.channels.values()].find((c) => c.userId === userId);
    // Kick shows the sent message in the chatroom like any other: the sender gets it too.
    this.broadcast(`chatrooms.${target.chatroomId}.v2`, KICK_EVENTS.message, {
      id: messageId,
      chatroom_id: target.chatroomId,
      content,
      type: 'message',
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      sender: {
        id: userId,
        username: sender?.username ?? `user${userId}`,
        slug: sender?.slug ?? `user${userId}`,
        identity: {
          color: '#53FC18',
          badges: userId === target.userId ? [{ type: 'broadcaster', text: 'Broadcaster' }] : [],
        },
      },
    });
    return { status: 200, body: { data: { is_sent: true, message_id: messageId }, message: 'OK' } };
  }
}
