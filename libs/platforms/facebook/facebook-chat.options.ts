import type { MonitorOptions } from '../common/monitor-options';

/** Options for FacebookChatAdapter; every field has a production default. */
export interface FacebookChatOptions extends MonitorOptions {
  /** Graph API base, version included. Default `https://graph.facebook.com/v21.0`. */
  graphBaseUrl?: string;
  /** Comment poll interval (ms). Default 2,000. */
  pollMs?: number;
  /** Poll interval while Graph reports usage at or above `slowdownAt` (ms). Default 10,000. */
  slowPollMs?: number;
  /** Usage percentage (of X-App-Usage / X-Business-Use-Case-Usage) that slows polling. Default 75. */
  slowdownAt?: number;
  /** Viewer-count (`live_views`) poll interval (ms). Default 60,000. */
  viewerPollMs?: number;
  /** Comments per page (`limit`). Default 100. */
  pageSize?: number;
  /** Most pages read per poll while catching up on new comments. Default 50. */
  maxPagesPerPoll?: number;
  /** HTTP timeout for Graph calls (ms). Default 10,000. */
  httpTimeoutMs?: number;
}

export interface ResolvedFacebookOptions {
  graphBaseUrl: string;
  pollMs: number;
  slowPollMs: number;
  slowdownAt: number;
  viewerPollMs: number;
  pageSize: number;
  maxPagesPerPoll: number;
  httpTimeoutMs: number;
}

export function resolveFacebookOptions(o: FacebookChatOptions): ResolvedFacebookOptions {
  return {
    graphBaseUrl: (o.graphBaseUrl ?? 'https://graph.facebook.com/v21.0').replace(/\/$/, ''),
    pollMs: o.pollMs ?? 2_000,
    slowPollMs: o.slowPollMs ?? 10_000,
    slowdownAt: o.slowdownAt ?? 75,
    viewerPollMs: o.viewerPollMs ?? 60_000,
    pageSize: o.pageSize ?? 100,
    maxPagesPerPoll: o.maxPagesPerPoll ?? 50,
    httpTimeoutMs: o.httpTimeoutMs ?? 10_000,
  };
}
