import type { MonitorOptions } from '../common/monitor-options';

/** Options for TwitchChatAdapter; every field has a production default. */
export interface TwitchChatOptions extends MonitorOptions {
  /** IRC-over-WebSocket host. Default `irc-ws.chat.twitch.tv`. */
  ircHost?: string;
  /** IRC port. Default 443 (secure) or 80. */
  ircPort?: number;
  /** Use wss. Default true, except for a loopback host (a local fake). */
  secure?: boolean;
  /** Helix base URL. Default `https://api.twitch.tv/helix`. */
  helixBaseUrl?: string;
  /** OAuth base URL (token refresh is `POST {oauthBaseUrl}/token`). Default `https://id.twitch.tv/oauth2`. */
  oauthBaseUrl?: string;
  /** App client id: Helix's `Client-Id` header and the refresh grant. */
  clientId?: string;
  /** App client secret, for the refresh grant. */
  clientSecret?: string;
  /** Viewer-count poll interval (ms). Default 60,000. */
  viewerPollMs?: number;
  /** Chat send limit: `max` messages per `windowMs`. Default 20 per 30,000 ms (Twitch's). */
  sendLimit?: { max: number; windowMs: number };
  /** How long send() waits for the USERSTATE carrying the sent message's id (ms). Default 2,000. */
  sendAckTimeoutMs?: number;
  /** HTTP timeout for Helix calls (ms). Default 10,000. */
  httpTimeoutMs?: number;
}

export interface ResolvedTwitchOptions {
  ircHost: string;
  ircPort: number;
  secure: boolean;
  helixBaseUrl: string;
  oauthBaseUrl: string;
  clientId?: string;
  clientSecret?: string;
  viewerPollMs: number;
  sendLimit: { max: number; windowMs: number };
  sendAckTimeoutMs: number;
  httpTimeoutMs: number;
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/;

export function resolveTwitchOptions(o: TwitchChatOptions): ResolvedTwitchOptions {
  const ircHost = o.ircHost ?? 'irc-ws.chat.twitch.tv';
  const secure = o.secure ?? !LOOPBACK.test(ircHost);
  return {
    ircHost,
    secure,
    ircPort: o.ircPort ?? (secure ? 443 : 80),
    helixBaseUrl: (o.helixBaseUrl ?? 'https://api.twitch.tv/helix').replace(/\/$/, ''),
    oauthBaseUrl: (o.oauthBaseUrl ?? 'https://id.twitch.tv/oauth2').replace(/\/$/, ''),
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    viewerPollMs: o.viewerPollMs ?? 60_000,
    sendLimit: o.sendLimit ?? { max: 20, windowMs: 30_000 },
    sendAckTimeoutMs: o.sendAckTimeoutMs ?? 2_000,
    httpTimeoutMs: o.httpTimeoutMs ?? 10_000,
  };
}
