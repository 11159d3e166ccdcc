import type { MonitorOptions } from '../common/monitor-options';

/** Options for KickChatAdapter; every field has a production default. */
export interface KickChatOptions extends MonitorOptions {
  /**
   * Pusher app key of Kick's chat. Default `32cbd69e4b950bf97679`, the key Kick's web client
   * uses today (observed, not documented by Kick: it may change).
   */
  pusherKey?: string;
  /** Pusher cluster. Default `us2`. */
  pusherCluster?: string;
  /** Pusher WebSocket host. Default Pusher's own (`ws-<cluster>.pusher.com`). */
  wsHost?: string;
  /** Pusher WebSocket port (the non-TLS port when `forceTLS` is false). */
  wsPort?: number;
  /** Use wss. Default true, except for a loopback `wsHost` (a local fake). */
  forceTLS?: boolean;
  /** Public API base (`POST {apiBaseUrl}/public/v1/chat`). Default `https://api.kick.com`. */
  apiBaseUrl?: string;
  /** Website base, for the chatroom-id lookup `GET /api/v2/channels/<slug>`. Default `https://kick.com`. */
  websiteBaseUrl?: string;
  /** Viewer-count poll interval (ms). Default 60,000. */
  viewerPollMs?: number;
  /** A connection attempt that has not completed after this long counts as failed (ms). Default 10,000. */
  connectTimeoutMs?: number;
  /** HTTP timeout for API calls (ms). Default 10,000. */
  httpTimeoutMs?: number;
}

export interface ResolvedKickOptions {
  pusherKey: string;
  pusherCluster: string;
  wsHost?: string;
  wsPort?: number;
  forceTLS: boolean;
  apiBaseUrl: string;
  websiteBaseUrl: string;
  viewerPollMs: number;
  connectTimeoutMs: number;
  httpTimeoutMs: number;
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/;

export function resolveKickOptions(o: KickChatOptions): ResolvedKickOptions {
  return {
    pusherKey: o.pusherKey ?? '32cbd69e4b950bf97679',
    pusherCluster: o.pusherCluster ?? 'us2',
    wsHost: o.wsHost,
    wsPort: o.wsPort,
    forceTLS: o.forceTLS ?? !(o.wsHost !== undefined && LOOPBACK.test(o.wsHost)),
    apiBaseUrl: (o.apiBaseUrl ?? 'https://api.kick.com').replace(/\/$/, ''),
    websiteBaseUrl: (o.websiteBaseUrl ?? 'https://kick.com').replace(/\/$/, ''),
    viewerPollMs: o.viewerPollMs ?? 60_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    httpTimeoutMs: o.httpTimeoutMs ?? 10_000,
  };
}
