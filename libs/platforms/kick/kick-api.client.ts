import { ProviderError } from '../../common/provider-error';
import { fetchJson, field, providerErrorFor, str } from '../common/http-json';
import type { ResolvedKickOptions } from './kick-chat.options';

export interface KickChannelInfo {
  broadcasterUserId: string;
  viewerCount: number;
}

/** The few Kick HTTP calls a monitor needs: the official public API plus the chatroom lookup. */
export class KickApiClient {
  constructor(
    private readonly options: ResolvedKickOptions,
    private readonly accessToken: string | undefined,
  ) {}

  get hasToken(): boolean {
    return !!this.accessToken;
  }

  /** `GET /public/v1/channels?slug=` (docs.kick.com/apis/channels). */
  async channel(slug: string): Promise<KickChannelInfo> {
    const body = await this.call('GET', `/public/v1/channels?slug=${encodeURIComponent(slug)}`);
    const first = (field(body, 'data') as unknown[] | undefined)?.[0];
    const id = str(field(first, 'broadcaster_user_id'));
    if (!id) throw new ProviderError('kick', 'not_found', `no Kick channel ${slug}`);
    const viewers = Number(field(field(first, 'stream'), 'viewer_count'));
    return { broadcasterUserId: id, viewerCount: Number.isFinite(viewers) ? viewers : 0 };
  }

  /**
   * The chatroom id is not in the public API; Kick's website API has it
   * (`GET kick.com/api/v2/channels/<slug>` → `chatroom.id`, undocumented).
   */
  async chatroomId(slug: string): Promise<string> {
    const url = `${this.options.websiteBaseUrl}/api/v2/channels/${encodeURIComponent(slug)}`;
    const res = await fetchJson('kick', url, {
      headers: { accept: 'application/json' },
      timeoutMs: this.options.httpTimeoutMs,
    });
    const id = str(field(field(res.body, 'chatroom'), 'id'));
    if (res.status >= 400 || !id) {
      throw providerErrorFor(
        'kick',
        res.status >= 400 ? res.status : 404,
        `no Kick chatroom for ${slug}`,
      );
    }
    return id;
  }

  /** `POST /public/v1/chat` as the streamer (`type: 'user'`); returns Kick's message id. */
  async sendChat(broadcasterUserId: string, content: string): Promise<string | undefined> {
    const body = await this.call(
      'POST',
      '/public/v1/chat',
      JSON.stringify({ content, type: 'user', broadcaster_user_id: Number(broadcasterUserId) }),
    );
    return str(field(field(body, 'data'), 'message_id'));
  }

  private async call(method: string, path: string, body?: string): Promise<unknown> {
    if (!this.accessToken) {
      throw new ProviderError('kick', 'rejected', "Kick's public API needs the streamer's token");
    }
    const res = await fetchJson('kick', `${this.options.apiBaseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.accessToken}`,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body,
      timeoutMs: this.options.httpTimeoutMs,
    });
    if (res.status >= 400) {
      const retryAfter = Number(res.headers.get('retry-after')) * 1000;
      throw providerErrorFor(
        'kick',
        res.status,
        `Kick ${method} ${path.split('?')[0]}: ${str(field(res.body, 'message')) ?? res.status}`,
        res.status === 429 && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    return res.body;
  }
}
