import { ProviderError } from '../../common/provider-error';
import { fetchJson, field, providerErrorFor, str } from '../common/http-json';
import type { ResolvedTwitchOptions } from './twitch-chat.options';

/** The streamer's current tokens; refreshed in place so IRC reconnects use the new one. */
export interface TwitchTokens {
  accessToken?: string;
  refreshToken?: string;
}

export type TokenListener = (t: {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: string;
}) => void;

/** The few Helix calls a monitor needs, with one refresh-and-retry on 401. */
export class TwitchHelixClient {
  constructor(
    private readonly options: ResolvedTwitchOptions,
    readonly tokens: TwitchTokens,
    private readonly onTokens: TokenListener = () => undefined,
  ) {}

  /** Live viewer count, or 0 when the channel is offline. */
  async viewerCount(login: string): Promise<number> {
    const res = await this.call('GET', `/streams?user_login=${encodeURIComponent(login)}`);
    const first = (field(res, 'data') as unknown[] | undefined)?.[0];
    const count = Number(field(first, 'viewer_count'));
    return Number.isFinite(count) ? count : 0;
  }

  async userId(login: string): Promise<string> {
    const res = await this.call('GET', `/users?login=${encodeURIComponent(login)}`);
    const id = str(field((field(res, 'data') as unknown[] | undefined)?.[0], 'id'));
    if (!id) throw new ProviderError('twitch', 'not_found', `no Twitch user ${login}`);
    return id;
  }

  async setTitle(broadcasterId: string, title: string): Promise<void> {
    await this.call(
      'PATCH',
      `/channels?broadcaster_id=${encodeURIComponent(broadcasterId)}`,
      JSON.stringify({ title }),
    );
  }

  /** Exchanges the refresh token for new tokens (id.twitch.tv `POST /oauth2/token`). */
  async refresh(): Promise<boolean> {
    const { refreshToken } = this.tokens;
    const { clientId, clientSecret } = this.options;
    if (!refreshToken || !clientId) return false;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
    });
    if (clientSecret) form.set('client_secret', clientSecret);
    const res = await fetchJson('twitch', `${this.options.oauthBaseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      timeoutMs: this.options.httpTimeoutMs,
    });
    const access = str(field(res.body, 'access_token'));
    if (res.status !== 200 || !access) return false;
    this.tokens.accessToken = access;
    this.tokens.refreshToken = str(field(res.body, 'refresh_token')) ?? refreshToken;
    const expiresIn = Number(field(res.body, 'expires_in'));
    this.onTokens({
      accessToken: access,
      refreshToken: this.tokens.refreshToken,
      expiresAt: Number.isFinite(expiresIn)
        ? new Date(Date.now() + expiresIn * 1000).toISOString()
        : undefined,
    });
    return true;
  }

  private async call(
    method: string,
    path: string,
    body?: string,
    retried = false,
  ): Promise<unknown> {
    if (!this.tokens.accessToken) {
      throw new ProviderError('twitch', 'rejected', "Helix needs the streamer's Twitch token");
    }
    const res = await fetchJson('twitch', `${this.options.helixBaseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.tokens.accessToken}`,
        'client-id': this.options.clientId ?? '',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body,
      timeoutMs: this.options.httpTimeoutMs,
    });
    if (res.status === 401 && !retried && (await this.refresh())) {
      return this.call(method, path, body, true);
    }
    if (res.status >= 400) {
      const retryAfter = Number(res.headers.get('ratelimit-reset')) * 1000 - Date.now();
      throw providerErrorFor(
        'twitch',
        res.status,
        `Helix ${method} ${path.split('?')[0]}: ${str(field(res.body, 'message')) ?? res.status}`,
        res.status === 429 && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    return res.body;
  }
}
