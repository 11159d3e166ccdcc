import { fetchJson, field, str } from '../common/http-json';
import type { ResolvedFacebookOptions } from './facebook-chat.options';
import { graphError } from './facebook-graph-error';
import { graphUsage, type GraphUsage } from './facebook-usage';

export interface GraphPage {
  data: unknown[];
  after?: string;
  hasNext: boolean;
}

export interface GraphResult<T> {
  value: T;
  usage?: GraphUsage;
}

/**
 * The Graph calls a Facebook monitor needs, over fetch. The token travels as the
 * `access_token` parameter and is never put into an error message.
 */
export class FacebookGraphClient {
  constructor(
    private readonly options: ResolvedFacebookOptions,
    private readonly accessToken: string,
  ) {}

  /** `GET /{page-id}/live_videos?broadcast_status=["LIVE"]`: the page's current live video. */
  async currentLiveVideo(pageId: string): Promise<GraphResult<string | undefined>> {
    const res = await this.get(`/${encodeURIComponent(pageId)}/live_videos`, {
      broadcast_status: '["LIVE"]',
      fields: 'id,status',
    });
    const first = (field(res.value, 'data') as unknown[] | undefined)?.[0];
    return { value: str(field(first, 'id')), usage: res.usage };
  }

  /** One page of `GET /{live-video-id}/comments`, newest first. */
  async comments(liveVideoId: string, after?: string): Promise<GraphResult<GraphPage>> {
    const res = await this.get(`/${encodeURIComponent(liveVideoId)}/comments`, {
      order: 'reverse_chronological',
      filter: 'stream',
      live_filter: 'no_filter',
      fields: 'id,message,created_time,from{id,name}',
      limit: String(this.options.pageSize),
      ...(after ? { after } : {}),
    });
    const data = field(res.value, 'data');
    const paging = field(res.value, 'paging');
    return {
      value: {
        data: Array.isArray(data) ? data : [],
        after: str(field(field(paging, 'cursors'), 'after')),
        hasNext: typeof field(paging, 'next') === 'string',
      },
      usage: res.usage,
    };
  }

  /** `GET /{live-video-id}?fields=live_views`. */
  async liveViews(liveVideoId: string): Promise<GraphResult<number | undefined>> {
    const res = await this.get(`/${encodeURIComponent(liveVideoId)}`, { fields: 'live_views' });
    const views = Number(field(res.value, 'live_views'));
    return { value: Number.isFinite(views) ? views : undefined, usage: res.usage };
  }

  /** `POST /{live-video-id}/comments` with `message`; returns the new comment's id. */
  async comment(liveVideoId: string, message: string): Promise<string | undefined> {
    const form = new URLSearchParams({ message, access_token: this.accessToken });
    const res = await this.request(
      'POST',
      `/${encodeURIComponent(liveVideoId)}/comments`,
      form.toString(),
    );
    return str(field(res.value, 'id'));
  }

  private get(path: string, params: Record<string, string>): Promise<GraphResult<unknown>> {
    const query = new URLSearchParams({ ...params, access_token: this.accessToken });
    return this.request('GET', `${path}?${query.toString()}`);
  }

  private async request(
    method: string,
    pathAndQuery: string,
    form?: string,
  ): Promise<GraphResult<unknown>> {
    const res = await fetchJson('facebook', `${this.options.graphBaseUrl}${pathAndQuery}`, {
      method,
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : undefined,
      body: form,
      timeoutMs: this.options.httpTimeoutMs,
    });
    const usage = graphUsage(res.headers);
    if (res.status >= 400 || field(res.body, 'error') !== undefined) {
      const retryAfter = Number(res.headers.get('retry-after')) * 1000;
      throw graphError(res.status, res.body, retryAfter > 0 ? retryAfter : usage?.regainAccessMs);
    }
    return { value: res.body, usage };
  }
}
