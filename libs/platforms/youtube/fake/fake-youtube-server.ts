import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { closeServer, createJsonServer, listen } from '../../common/http-server';
import {
  googleError,
  youtubeMessages,
  type FakeAuthor,
  type LiveChatMessage,
} from './youtube-resources';

export interface FakeBroadcast {
  id: string;
  liveChatId: string;
  title: string;
  channelId: string;
  concurrentViewers: number;
}

type Answer = { status: number; body?: unknown };

/**
 * YouTube Data API v3 stand-in: liveBroadcasts list/update, liveChat/messages list/insert,
 * videos list (liveStreamingDetails), and an OAuth token endpoint at `/token`.
 */
export class FakeYouTubeServer {
  readonly validTokens = new Set<string>();
  readonly refreshTokens = new Map<string, string>();
  readonly broadcasts: FakeBroadcast[] = [];
  readonly messages = new Map<string, LiveChatMessage[]>();
  /** Messages clients inserted (the streamer's). */
  readonly inserted: LiveChatMessage[] = [];
  /** Errors to answer the next liveChat/messages list calls with, in order. */
  readonly failNextList: { code: number; reason: string }[] = [];
  pollingIntervalMillis = 2_000;
  listCalls = 0;
  /** Who the fake says the OAuth user is (author of inserted messages). */
  owner: FakeAuthor = { channelId: 'UC-owner', displayName: 'Streamer', isChatOwner: true };

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<FakeYouTubeServer> {
    const holder: { fake?: FakeYouTubeServer } = {};
    const server = createJsonServer((req, url, body) => holder.fake?.route(req, url, body));
    const fake = new FakeYouTubeServer(server, await listen(server, port));
    holder.fake = fake;
    return fake;
  }

  get rootUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }
  get tokenUrl(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  addBroadcast(b: Partial<FakeBroadcast> = {}): FakeBroadcast {
    const broadcast: FakeBroadcast = {
      id: b.id ?? `video-${this.broadcasts.length + 1}`,
      liveChatId: b.liveChatId ?? `chat-${this.broadcasts.length + 1}`,
      title: b.title ?? 'Live now',
      channelId: b.channelId ?? this.owner.channelId,
      concurrentViewers: b.concurrentViewers ?? 0,
    };
    this.broadcasts.push(broadcast);
    this.messages.set(broadcast.liveChatId, []);
    return broadcast;
  }

  post(message: LiveChatMessage): void {
    const chatId = String((message.snippet as { liveChatId: string }).liveChatId);
    const list = this.messages.get(chatId) ?? [];
    list.push(message);
    this.messages.set(chatId, list);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private route(req: IncomingMessage, url: URL, body: string): Answer | undefined {
    if (req.method === 'POST' && url.pathname === '/token') return this.token(body);
    if (!url.pathname.startsWith('/youtube/v3/')) return undefined;
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.validTokens.has(bearer)) {
      return {
        status: 401,
        body: googleError(
          401,
          'authError',
          'Request had invalid authentication credentials. Expected OAuth 2 access token.',
          'global',
        ),
      };
    }
    const path = `${req.method} ${url.pathname}`;
    switch (path) {
      case 'GET /youtube/v3/liveBroadcasts':
        return this.listBroadcasts(url);
      case 'PUT /youtube/v3/liveBroadcasts':
        return this.updateBroadcast(body);
      case 'GET /youtube/v3/liveChat/messages':
        return this.listMessages(url);
      case 'POST /youtube/v3/liveChat/messages':
        return this.insertMessage(body);
      case 'GET /youtube/v3/videos':
        return this.listVideos(url);
      default:
        return undefined;
    }
  }

  private listBroadcasts(url: URL): Answer {
    const active =
      url.searchParams.get('broadcastStatus') === 'active' ||
      url.searchParams.get('mine') === 'true';
    const items = (active ? this.broadcasts : []).map((b) => ({
      kind: 'youtube#liveBroadcast',
      etag: `etag-${b.id}`,
      id: b.id,
      snippet: {
        publishedAt: '2024-01-01T00:00:00Z',
        channelId: b.channelId,
        title: b.title,
        description: '',
        scheduledStartTime: '2024-01-01T00:00:00Z',
        actualStartTime: '2024-01-01T00:00:05Z',
        liveChatId: b.liveChatId,
        isDefaultBroadcast: false,
      },
      status: { lifeCycleStatus: 'live', privacyStatus: 'public', recordingStatus: 'recording' },
    }));
    return {
      status: 200,
      body: {
        kind: 'youtube#liveBroadcastListResponse',
        etag: 'etag-broadcasts',
        pageInfo: { totalResults: items.length, resultsPerPage: 5 },
        items,
      },
    };
  }

  private updateBroadcast(body: string): Answer {
    const parsed = JSON.parse(body || '{}') as {
      id?: string;
      snippet?: { title?: string; scheduledStartTime?: string };
    };
    const b = this.broadcasts.find((x) => x.id === parsed.id);
    if (!b)
      return {
        status: 404,
        body: googleError(
          404,
          'liveBroadcastNotFound',
          'Broadcast not found',
          'youtube.liveBroadcast',
        ),
      };
    if (!parsed.snippet?.title || !parsed.snippet.scheduledStartTime) {
      return {
        status: 400,
        body: googleError(
          400,
          'invalidValue',
          'snippet.title and snippet.scheduledStartTime are required',
          'youtube.liveBroadcast',
        ),
      };
    }
    b.title = parsed.snippet.title;
    return {
      status: 200,
      body: {
        kind: 'youtube#liveBroadcast',
        etag: 'etag-updated',
        id: b.id,
        snippet: parsed.snippet,
      },
    };
  }

  private listMessages(url: URL): Answer {
    this.listCalls += 1;
    const failure = this.failNextList.shift();
    if (failure)
      return {
        status: failure.code,
        body: googleError(failure.code, failure.reason, `fake failure: ${failure.reason}`),
      };
    const chatId = url.searchParams.get('liveChatId') ?? '';
    const list = this.messages.get(chatId);
    if (!list)
      return {
        status: 404,
        body: googleError(
          404,
          'liveChatNotFound',
          'The live chat that you are trying to retrieve cannot be found.',
        ),
      };
    const start = Number(url.searchParams.get('pageToken')?.replace(/^page-/, '') ?? '0') || 0;
    const max = Math.min(
      2000,
      Math.max(200, Number(url.searchParams.get('maxResults') ?? '500') || 500),
    );
    const items = list.slice(start, start + max);
    return {
      status: 200,
      body: {
        kind: 'youtube#liveChatMessageListResponse',
        etag: `etag-page-${start}`,
        nextPageToken: `page-${start + items.length}`,
        pollingIntervalMillis: this.pollingIntervalMillis,
        pageInfo: { totalResults: list.length, resultsPerPage: items.length },
        items,
      },
    };
  }

  private insertMessage(body: string): Answer {
    const parsed = JSON.parse(body || '{}') as {
      snippet?: {
        liveChatId?: string;
        type?: string;
        textMessageDetails?: { messageText?: string };
      };
    };
    const chatId = parsed.snippet?.liveChatId ?? '';
    const text = parsed.snippet?.textMessageDetails?.messageText;
    if (!this.messages.has(chatId))
      return {
        status: 404,
        body: googleError(404, 'liveChatNotFound', 'The live chat cannot be found.'),
      };
    if (parsed.snippet?.type !== 'textMessageEvent' || !text) {
      return {
        status: 400,
        body: googleError(400, 'messageTextInvalid', 'The message text is invalid.'),
      };
    }
    const message = youtubeMessages.text(chatId, this.owner, text, new Date(), randomUUID());
    this.inserted.push(message);
    // YouTube shows the streamer's own message in the chat list too: a real echo.
    this.post(message);
    return { status: 200, body: message };
  }

  private listVideos(url: URL): Answer {
    const ids = (url.searchParams.get('id') ?? '').split(',');
    const items = this.broadcasts
      .filter((b) => ids.includes(b.id))
      .map((b) => ({
        kind: 'youtube#video',
        etag: `etag-video-${b.id}`,
        id: b.id,
        liveStreamingDetails: {
          actualStartTime: '2024-01-01T00:00:05Z',
          concurrentViewers: String(b.concurrentViewers),
          activeLiveChatId: b.liveChatId,
        },
      }));
    return {
      status: 200,
      body: {
        kind: 'youtube#videoListResponse',
        etag: 'etag-videos',
        items,
        pageInfo: { totalResults: items.length, resultsPerPage: items.length },
      },
    };
  }

  private token(body: string): Answer {
    const form = new URLSearchParams(body);
    const next = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (form.get('grant_type') !== 'refresh_token' || !next) {
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      };
    }
    this.validTokens.add(next);
    return {
      status: 200,
      body: {
        access_token: next,
        expires_in: 3599,
        scope: 'https://www.googleapis.com/auth/youtube',
        token_type: 'Bearer',
      },
    };
  }
}
