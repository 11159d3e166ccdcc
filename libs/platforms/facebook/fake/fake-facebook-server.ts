import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { closeServer, createJsonServer, listen } from '../../common/http-server';

export interface FakeComment {
  id: string;
  message: string;
  created_time: string;
  from?: { id: string; name: string };
}

export interface FakeLiveVideo {
  id: string;
  pageId: string;
  status: 'LIVE' | 'VOD' | 'SCHEDULED_UNPUBLISHED';
  liveViews: number;
  /** Oldest first, as they were posted. */
  comments: FakeComment[];
}

export interface GraphFailure {
  status: number;
  code: number;
  message: string;
  type?: string;
  subcode?: number;
}

export interface UsageEntry {
  call_count: number;
  total_time: number;
  total_cputime: number;
  type?: string;
  estimated_time_to_regain_access?: number;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** Graph's time format: `2024-05-01T12:00:00+0000`. */
export function graphTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/**
 * Graph API stand-in for live video comments: `/{page-id}/live_videos`, `/{live-video-id}`
 * (`live_views`), `GET`/`POST /{live-video-id}/comments`, with Graph's paging shape
 * (`{ data, paging: { cursors: { before, after }, next? } }`), Graph error bodies, injected
 * failures and rate-limit usage headers. Any `/vNN.N` version prefix is accepted.
 */
export class FakeFacebookServer {
  readonly validTokens = new Set<string>();
  readonly pages = new Map<string, { id: string; name: string }>();
  readonly liveVideos = new Map<string, FakeLiveVideo>();
  /** Comments clients posted (the Page's own). */
  readonly posted: FakeComment[] = [];
  /** Errors to answer the next comment-list calls with, in order. */
  readonly failNextComments: GraphFailure[] = [];
  /** Sent as `X-App-Usage` on every answer when set. */
  appUsage: UsageEntry | undefined;
  /** Sent as `X-Business-Use-Case-Usage` (`{ "<business id>": [entry] }`) when set. */
  businessUsage: UsageEntry | undefined;
  commentListCalls = 0;
  /** Graph requests answered (any route). */
  requests = 0;
  private commentCounter = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<FakeFacebookServer> {
    const holder: { fake?: FakeFacebookServer } = {};
    const server = createJsonServer((req, url, body) => holder.fake?.route(req, url, body));
    const fake = new FakeFacebookServer(server, await listen(server, port));
    holder.fake = fake;
    return fake;
  }

  get graphBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/v21.0`;
  }

  addPage(id: string, name: string): void {
    this.pages.set(id, { id, name });
  }

  addLiveVideo(pageId: string, v: Partial<FakeLiveVideo> = {}): FakeLiveVideo {
    const video: FakeLiveVideo = {
      id: v.id ?? `10${this.liveVideos.size + 1}000`,
      pageId,
      status: v.status ?? 'LIVE',
      liveViews: v.liveViews ?? 0,
      comments: v.comments ?? [],
    };
    this.liveVideos.set(video.id, video);
    return video;
  }

  /** A viewer comments on a live video; returns the comment as Graph would list it. */
  comment(
    videoId: string,
    from: { id: string; name: string } | undefined,
    message: string,
    at = new Date(),
  ): FakeComment {
    const video = this.liveVideos.get(videoId);
    if (!video) throw new Error(`no live video ${videoId}`);
    this.commentCounter += 1;
    const comment: FakeComment = {
      id: `${videoId}_${this.commentCounter}`,
      message,
      created_time: graphTime(at),
      ...(from ? { from } : {}),
    };
    video.comments.push(comment);
    return comment;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.appUsage) h['x-app-usage'] = JSON.stringify(this.appUsage);
    if (this.businessUsage) {
      h['x-business-use-case-usage'] = JSON.stringify({
        '1234567890': [{ type: 'pages', ...this.businessUsage }],
      });
    }
    return h;
  }

  private error(failure: GraphFailure): Answer {
    return {
      status: failure.status,
      headers: this.headers(),
      body: {
        error: {
          message: failure.message,
          type: failure.type ?? 'OAuthException',
          code: failure.code,
          ...(failure.subcode !== undefined ? { error_subcode: failure.subcode } : {}),
          fbtrace_id: randomBytes(8).toString('base64url'),
        },
      },
    };
  }

  private route(req: IncomingMessage, url: URL, body: string): Answer | undefined {
    const match = /^\/v\d+\.\d+\/([^/]+)(?:\/([a-z_]+))?$/.exec(url.pathname);
    if (!match) return undefined;
    this.requests += 1;
    const form = new URLSearchParams(req.method === 'POST' ? body : '');
    const token = url.searchParams.get('access_token') ?? form.get('access_token') ?? '';
    if (!this.validTokens.has(token)) {
      return this.error({
        status: 400,
        code: 190,
        message: 'Invalid OAuth access token - Cannot parse access token',
      });
    }
    const [, id, edge] = match;
    const answer = this.answer(req.method ?? 'GET', id, edge, url, form);
    if (!answer) return undefined;
    return { ...answer, headers: { ...this.headers(), ...answer.headers } };
  }

  private answer(
    method: string,
    id: string,
    edge: string | undefined,
    url: URL,
    form: URLSearchParams,
  ): Answer | undefined {
    if (method === 'GET' && edge === 'live_videos' && this.pages.has(id)) {
      const wanted = url.searchParams.get('broadcast_status');
      const statuses = wanted ? (JSON.parse(wanted) as string[]) : undefined;
      const data = [...this.liveVideos.values()]
        .filter((v) => v.pageId === id && (!statuses || statuses.includes(v.status)))
        .map((v) => ({ id: v.id, status: v.status }));
      return {
        status: 200,
        body: { data, paging: { cursors: { before: 'QVFIUbefore', after: 'QVFIUafter' } } },
      };
    }
    const video = this.liveVideos.get(id);
    if (!video) {
      return this.error({
        status: 400,
        code: 100,
        subcode: 33,
        type: 'GraphMethodException',
        message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      });
    }
    if (method === 'GET' && edge === undefined) {
      return { status: 200, body: { live_views: video.liveViews, id: video.id } };
    }
    if (method === 'GET' && edge === 'comments') return this.listComments(video, url);
    if (method === 'POST' && edge === 'comments') {
      const message = form.get('message');
      if (!message)
        return this.error({ status: 400, code: 100, message: '(#100) Missing message' });
      const page = this.pages.get(video.pageId);
      const comment = this.comment(video.id, page, message);
      this.posted.push(comment);
      return { status: 200, body: { id: comment.id } };
    }
    return undefined;
  }

  private listComments(video: FakeLiveVideo, url: URL): Answer {
    this.commentListCalls += 1;
    const failure = this.failNextComments.shift();
    if (failure) return this.error(failure);
    const newestFirst = url.searchParams.get('order') === 'reverse_chronological';
    const list = newestFirst ? [...video.comments].reverse() : video.comments;
    const limit = Math.max(1, Number(url.searchParams.get('limit') ?? '25') || 25);
    const after = url.searchParams.get('after');
    // Cursors are opaque to clients; here they point at the id of the row they stand for.
    const startId = after ? Buffer.from(after, 'base64').toString('utf8') : undefined;
    const start = startId ? list.findIndex((c) => c.id === startId) + 1 : 0;
    const page = list.slice(start, start + limit);
    const cursor = (c: FakeComment | undefined) =>
      c ? Buffer.from(c.id).toString('base64') : undefined;
    const paging: Record<string, unknown> = {
      cursors: { before: cursor(page[0]), after: cursor(page[page.length - 1]) },
    };
    if (start + limit < list.length) {
      const next = new URL(url);
      next.searchParams.set('after', cursor(page[page.length - 1]) ?? '');
      paging.next = `https://graph.facebook.com${next.pathname}${next.search}`;
    }
    return {
      status: 200,
      body: {
        data: page.map((c) => ({
          id: c.id,
          message: c.message,
          created_time: c.created_time,
          ...(c.from ? { from: c.from } : {}),
        })),
        paging,
      },
    };
  }
}
