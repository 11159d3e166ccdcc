import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeServer, createJsonServer, listen } from '../../common/http-server';
import { formatTags, parseClientLine } from './irc-format';

interface IrcClient {
  socket: WebSocket;
  nick?: string;
  token?: string;
  capabilities: Set<string>;
  channels: Set<string>;
}

export interface FakeTwitchUser {
  id: string;
  login: string;
  displayName: string;
}

export interface FakeTwitchStream {
  viewerCount: number;
  title: string;
}

export interface ReceivedPrivmsg {
  nick: string;
  channel: string;
  text: string;
  id: string;
}

const HOST = 'tmi.twitch.tv';

/**
 * A Twitch stand-in on one port: IRC over WebSocket at `/` (what tmi.js speaks) plus the
 * Helix routes (`/helix/...`) and the token endpoint (`/oauth2/token`, id.twitch.tv).
 */
export class FakeTwitchServer {
  /** Access tokens the fake accepts (IRC PASS and Helix Bearer). */
  readonly validTokens = new Set<string>();
  /** refresh token -> the access token it mints next. */
  readonly refreshTokens = new Map<string, string>();
  readonly users = new Map<string, FakeTwitchUser>();
  /** Live streams by login; absent = offline. */
  readonly streams = new Map<string, FakeTwitchStream>();
  /** PRIVMSGs clients sent (the streamer's messages). */
  readonly received: ReceivedPrivmsg[] = [];
  readonly titleUpdates: { broadcasterId: string; title: string }[] = [];
  /** Real Twitch never echoes your PRIVMSG back to you; set true to test echo handling. */
  echoToSender = false;
  /** Connections accepted so far (reconnect tests count these). */
  connections = 0;
  helixRequests = 0;

  private readonly clients = new Set<IrcClient>();
  private readonly wss: WebSocketServer;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket) => this.accept(socket));
  }

  static async start(port = 0): Promise<FakeTwitchServer> {
    const holder: { fake?: FakeTwitchServer } = {};
    const server = createJsonServer((req, url, body) => holder.fake?.http(req, url, body));
    const bound = await listen(server, port);
    const fake = new FakeTwitchServer(server, bound);
    holder.fake = fake;
    return fake;
  }

  get host(): string {
    return '127.0.0.1';
  }
  get helixBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/helix`;
  }
  get oauthBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/oauth2`;
  }

  addUser(login: string, id: string, displayName = login): FakeTwitchUser {
    const user = { id, login: login.toLowerCase(), displayName };
    this.users.set(user.login, user);
    return user;
  }

  /** Clients currently joined to `#channel`. */
  joined(channel: string): number {
    const chan = channel.toLowerCase().replace(/^#/, '');
    return [...this.clients].filter((c) => c.channels.has(chan)).length;
  }

  /** Sends raw IRC lines to every client joined to the line's channel (or to all). */
  sendRaw(lines: string | string[], perFrame = 500): void {
    const list = Array.isArray(lines) ? lines : [lines];
    for (const client of this.clients) {
      const mine = list.filter((line) => {
        const chan = /(?:PRIVMSG|USERNOTICE|ROOMSTATE|USERSTATE) #([^ ]+)/.exec(line)?.[1];
        return chan === undefined || client.channels.has(chan);
      });
      // Several lines per frame, as Twitch batches them; tmi splits frames on CRLF.
      for (let i = 0; i < mine.length; i += perFrame) {
        client.socket.send(mine.slice(i, i + perFrame).join('\r\n') + '\r\n');
      }
    }
  }

  /**
   * Sends each channel's lines (keys: login without `#`) to the clients joined to it, all of
   * a channel's lines in one frame. One pass over the clients: for load generators, where
   * `sendRaw`'s per-line channel match would cost more than the service being measured.
   */
  sendToChannels(linesByChannel: ReadonlyMap<string, readonly string[]>): void {
    for (const client of this.clients) {
      for (const chan of client.channels) {
        const lines = linesByChannel.get(chan);
        if (lines && lines.length > 0) client.socket.send(lines.join('\r\n') + '\r\n');
      }
    }
  }

  /** Builds a tagged PRIVMSG like Twitch's, for a viewer chatting in `channel`. */
  privmsgLine(
    channel: string,
    from: { login: string; id: string; displayName?: string; badges?: string },
    text: string,
    extra: { id?: string; bits?: number; sentAt?: number } = {},
  ): string {
    const tags: Record<string, string> = {
      'badge-info': '',
      badges: from.badges ?? '',
      ...(extra.bits !== undefined ? { bits: String(extra.bits) } : {}),
      color: '',
      'display-name': from.displayName ?? from.login,
      emotes: '',
      'first-msg': '0',
      flags: '',
      id: extra.id ?? randomUUID(),
      mod: '0',
      'room-id': this.users.get(channel.toLowerCase())?.id ?? '1',
      subscriber: '0',
      'tmi-sent-ts': String(extra.sentAt ?? Date.now()),
      turbo: '0',
      'user-id': from.id,
      'user-type': '',
    };
    const nick = from.login.toLowerCase();
    return `${formatTags(tags)} :${nick}!${nick}@${nick}.${HOST} PRIVMSG #${channel.toLowerCase()} :${text}`;
  }

  /** Asks every client to reconnect, as Twitch does before server maintenance. */
  sendReconnect(): void {
    for (const client of this.clients) client.socket.send(`:${HOST} RECONNECT\r\n`);
  }

  /** Cuts every connection without a close handshake (a network drop). */
  dropConnections(): void {
    for (const client of this.clients) client.socket.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.wss.close();
    await closeServer(this.server);
  }

  private accept(socket: WebSocket): void {
    this.connections += 1;
    const client: IrcClient = { socket, capabilities: new Set(), channels: new Set() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data) => {
      for (const line of data.toString().split('\r\n')) {
        if (line.trim().length > 0) this.onLine(client, line.trim());
      }
    });
  }

  private send(client: IrcClient, line: string): void {
    client.socket.send(line + '\r\n');
  }

  private onLine(client: IrcClient, line: string): void {
    const { command, params } = parseClientLine(line);
    switch (command) {
      case 'CAP': {
        const wanted = (params[1] ?? '').split(' ').filter(Boolean);
        wanted.forEach((c) => client.capabilities.add(c));
        this.send(client, `:${HOST} CAP * ACK :${wanted.join(' ')}`);
        break;
      }
      case 'PASS':
        client.token = (params[0] ?? '').replace(/^oauth:/, '');
        break;
      case 'NICK':
        this.login(client, (params[0] ?? '').toLowerCase());
        break;
      case 'JOIN':
        for (const chan of (params[0] ?? '').split(',')) this.join(client, chan.replace(/^#/, ''));
        break;
      case 'PART':
        client.channels.delete((params[0] ?? '').replace(/^#/, ''));
        break;
      case 'PING':
        this.send(client, `:${HOST} PONG ${HOST} :${params[0] ?? HOST}`);
        break;
      case 'PRIVMSG':
        this.onPrivmsg(client, (params[0] ?? '').replace(/^#/, ''), params[1] ?? '');
        break;
      default:
        this.send(client, `:${HOST} 421 ${client.nick ?? '*'} ${command} :Unknown command`);
    }
  }

  private login(client: IrcClient, nick: string): void {
    const anonymous = /^justinfan\d+$/.test(nick);
    if (!anonymous && (!client.token || !this.validTokens.has(client.token))) {
      this.send(client, `:${HOST} NOTICE * :Login authentication failed`);
      client.socket.close();
      return;
    }
    client.nick = nick;
    const welcome = [
      `:${HOST} 001 ${nick} :Welcome, GLHF!`,
      `:${HOST} 002 ${nick} :Your host is ${HOST}`,
      `:${HOST} 003 ${nick} :This server is rather new`,
      `:${HOST} 004 ${nick} :-`,
      `:${HOST} 375 ${nick} :-`,
      `:${HOST} 372 ${nick} :You are in a maze of twisty passages, all alike.`,
      `:${HOST} 376 ${nick} :>`,
    ];
    client.socket.send(welcome.join('\r\n') + '\r\n');
    if (!anonymous && client.capabilities.has('twitch.tv/tags')) {
      const user = this.users.get(nick);
      this.send(
        client,
        `${formatTags({ 'badge-info': '', badges: '', color: '', 'display-name': user?.displayName ?? nick, 'emote-sets': '0', 'user-id': user?.id ?? '0', 'user-type': '' })} :${HOST} GLOBALUSERSTATE`,
      );
    }
  }

  private join(client: IrcClient, chan: string): void {
    const nick = client.nick ?? '*';
    client.channels.add(chan);
    this.send(client, `:${nick}!${nick}@${nick}.${HOST} JOIN #${chan}`);
    this.send(client, `:${nick}.${HOST} 353 ${nick} = #${chan} :${nick}`);
    this.send(client, `:${nick}.${HOST} 366 ${nick} #${chan} :End of /NAMES list`);
    if (!/^justinfan\d+$/.test(nick)) {
      // Logged-in clients get USERSTATE on join (tmi.js treats it as the join confirmation).
      const user = this.users.get(nick);
      this.send(
        client,
        `${formatTags({ 'badge-info': '', badges: chan === nick ? 'broadcaster/1' : '', color: '', 'display-name': user?.displayName ?? nick, 'emote-sets': '0', mod: '0', subscriber: '0', 'user-type': '' })} :${HOST} USERSTATE #${chan}`,
      );
    }
    const roomId = this.users.get(chan)?.id ?? '1';
    this.send(
      client,
      `${formatTags({ 'emote-only': '0', 'followers-only': '-1', r9k: '0', 'room-id': roomId, slow: '0', 'subs-only': '0' })} :${HOST} ROOMSTATE #${chan}`,
    );
  }

  private onPrivmsg(client: IrcClient, chan: string, text: string): void {
    const nick = client.nick;
    if (!nick || /^justinfan\d+$/.test(nick)) return;
    const id = randomUUID();
    this.received.push({ nick, channel: chan, text, id });
    const user = this.users.get(nick) ?? { id: '0', login: nick, displayName: nick };
    // Twitch answers the sender with USERSTATE (carrying the new message's id)...
    this.send(
      client,
      `${formatTags({ 'badge-info': '', badges: 'broadcaster/1', color: '', 'display-name': user.displayName, 'emote-sets': '0', id, mod: '0', subscriber: '0', 'user-type': '' })} :${HOST} USERSTATE #${chan}`,
    );
    // ...and relays the PRIVMSG to everyone else in the room.
    const line = this.privmsgLine(
      chan,
      { login: user.login, id: user.id, displayName: user.displayName, badges: 'broadcaster/1' },
      text,
      { id },
    );
    for (const other of this.clients) {
      if (other.channels.has(chan) && (other !== client || this.echoToSender)) {
        this.send(other, line);
      }
    }
  }

  private http(
    req: IncomingMessage,
    url: URL,
    body: string,
  ): { status: number; body?: unknown } | undefined {
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(body);
    if (!url.pathname.startsWith('/helix/')) return undefined;
    this.helixRequests += 1;
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.validTokens.has(bearer)) {
      return {
        status: 401,
        body: { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' },
      };
    }
    if (!req.headers['client-id']) {
      return {
        status: 401,
        body: { error: 'Unauthorized', status: 401, message: 'Client ID is missing' },
      };
    }
    if (req.method === 'GET' && url.pathname === '/helix/streams') return this.getStreams(url);
    if (req.method === 'GET' && url.pathname === '/helix/users') {
      const login = (url.searchParams.get('login') ?? '').toLowerCase();
      const user = this.users.get(login);
      return {
        status: 200,
        body: {
          data: user
            ? [
                {
                  id: user.id,
                  login: user.login,
                  display_name: user.displayName,
                  type: '',
                  broadcaster_type: '',
                  description: '',
                  profile_image_url: '',
                  offline_image_url: '',
                  view_count: 0,
                  created_at: '2016-12-14T20:32:28Z',
                },
              ]
            : [],
        },
      };
    }
    if (req.method === 'PATCH' && url.pathname === '/helix/channels') {
      const broadcasterId = url.searchParams.get('broadcaster_id') ?? '';
      const parsed = JSON.parse(body || '{}') as { title?: unknown };
      if (!broadcasterId || typeof parsed.title !== 'string' || parsed.title.length === 0) {
        return {
          status: 400,
          body: {
            error: 'Bad Request',
            status: 400,
            message: 'Missing required parameter "title"',
          },
        };
      }
      this.titleUpdates.push({ broadcasterId, title: parsed.title });
      const user = [...this.users.values()].find((u) => u.id === broadcasterId);
      const stream = user && this.streams.get(user.login);
      if (stream) stream.title = parsed.title;
      return { status: 204 };
    }
    return undefined;
  }

  private getStreams(url: URL): { status: number; body: unknown } {
    const logins = url.searchParams.getAll('user_login').map((l) => l.toLowerCase());
    const data = logins.flatMap((login) => {
      const stream = this.streams.get(login);
      const user = this.users.get(login);
      if (!stream) return [];
      return [
        {
          id: '40952121085',
          user_id: user?.id ?? '0',
          user_login: login,
          user_name: user?.displayName ?? login,
          game_id: '509658',
          game_name: 'Just Chatting',
          type: 'live',
          title: stream.title,
          viewer_count: stream.viewerCount,
          started_at: '2021-03-10T15:04:21Z',
          language: 'en',
          thumbnail_url: `https://static-cdn.jtvnw.net/previews-ttv/live_user_${login}-{width}x{height}.jpg`,
          tag_ids: [],
          tags: ['English'],
          is_mature: false,
        },
      ];
    });
    return { status: 200, body: { data, pagination: {} } };
  }

  private token(body: string): { status: number; body: unknown } {
    const form = new URLSearchParams(body);
    const refresh = form.get('refresh_token') ?? '';
    const next = this.refreshTokens.get(refresh);
    if (form.get('grant_type') !== 'refresh_token' || next === undefined) {
      return { status: 400, body: { status: 400, message: 'Invalid refresh token' } };
    }
    this.refreshTokens.delete(refresh);
    const newRefresh = `${refresh}-next`;
    this.refreshTokens.set(newRefresh, `${next}-next`);
    this.validTokens.add(next);
    return {
      status: 200,
      body: {
        access_token: next,
        refresh_token: newRefresh,
        expires_in: 14124,
        scope: ['chat:read', 'chat:edit'],
        token_type: 'bearer',
      },
    };
  }
}
