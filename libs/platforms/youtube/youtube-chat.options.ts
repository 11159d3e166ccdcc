import type { MonitorOptions } from '../common/monitor-options';

/** Quota units per call. Defaults follow Google's quota table (list 5 / insert 50 for chat). */
export interface YouTubeQuotaCosts {
  liveChatMessagesList: number;
  liveChatMessagesInsert: number;
  liveBroadcastsList: number;
  liveBroadcastsUpdate: number;
  videosList: number;
}

export interface YouTubeChatOptions extends MonitorOptions {
  /** Data API root. Default `https://youtube.googleapis.com/`. */
  rootUrl?: string;
  /** OAuth token endpoint used for refresh. Default Google's. */
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Floor for the poll interval, whatever `pollingIntervalMillis` says (ms). Default 1,000. */
  minPollMs?: number;
  /** Viewer-count poll interval (ms). Default 60,000. */
  viewerPollMs?: number;
  /** Daily quota budget in units. Default 10,000 (a project's default allocation). */
  dailyQuota?: number;
  /** Fraction of the budget after which polling slows to make the rest last the day. Default 0.8. */
  slowdownAt?: number;
  quotaCosts?: Partial<YouTubeQuotaCosts>;
  /** `maxResults` for liveChatMessages.list (200–2000). Default 500. */
  pageSize?: number;
}

export interface ResolvedYouTubeOptions {
  rootUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  minPollMs: number;
  viewerPollMs: number;
  dailyQuota: number;
  slowdownAt: number;
  quotaCosts: YouTubeQuotaCosts;
  pageSize: number;
}

export function resolveYouTubeOptions(o: YouTubeChatOptions): ResolvedYouTubeOptions {
  return {
    rootUrl: o.rootUrl,
    tokenUrl: o.tokenUrl,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    minPollMs: o.minPollMs ?? 1_000,
    viewerPollMs: o.viewerPollMs ?? 60_000,
    dailyQuota: o.dailyQuota ?? 10_000,
    slowdownAt: o.slowdownAt ?? 0.8,
    quotaCosts: {
      liveChatMessagesList: 5,
      liveChatMessagesInsert: 50,
      liveBroadcastsList: 1,
      liveBroadcastsUpdate: 50,
      videosList: 1,
      ...o.quotaCosts,
    },
    pageSize: o.pageSize ?? 500,
  };
}
