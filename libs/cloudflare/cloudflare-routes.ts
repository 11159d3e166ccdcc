/**
 * The Cloudflare Stream routes this integration uses, named once so the adapter's metrics,
 * the fake's router and its request counts all speak the same names.
 */
export type CloudflareRoute =
  | 'live_inputs.list'
  | 'live_inputs.create'
  | 'live_inputs.get'
  | 'live_inputs.update'
  | 'live_inputs.delete'
  | 'live_inputs.videos'
  | 'outputs.list'
  | 'outputs.create'
  | 'outputs.update'
  | 'outputs.delete'
  | 'videos.list'
  | 'other';

export interface MatchedRoute {
  route: CloudflareRoute;
  accountId?: string;
  inputId?: string;
  outputId?: string;
}

const ROUTES: ReadonlyArray<{ method: string; pattern: RegExp; route: CloudflareRoute }> = [
  { method: 'GET', pattern: /^\/accounts\/([^/]+)\/stream\/?$/, route: 'videos.list' },
  {
    method: 'GET',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/?$/,
    route: 'live_inputs.list',
  },
  {
    method: 'POST',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/?$/,
    route: 'live_inputs.create',
  },
  {
    method: 'GET',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/?$/,
    route: 'live_inputs.get',
  },
  {
    method: 'PUT',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/?$/,
    route: 'live_inputs.update',
  },
  {
    method: 'DELETE',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/?$/,
    route: 'live_inputs.delete',
  },
  {
    method: 'GET',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/videos\/?$/,
    route: 'live_inputs.videos',
  },
  {
    method: 'GET',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/outputs\/?$/,
    route: 'outputs.list',
  },
  {
    method: 'POST',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/outputs\/?$/,
    route: 'outputs.create',
  },
  {
    method: 'PUT',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/outputs\/([^/]+)\/?$/,
    route: 'outputs.update',
  },
  {
    method: 'DELETE',
    pattern: /^\/accounts\/([^/]+)\/stream\/live_inputs\/([^/]+)\/outputs\/([^/]+)\/?$/,
    route: 'outputs.delete',
  },
];

/**
 * Names the route of a request. `path` may be a full URL or a path; anything before
 * `/accounts/` (such as `/client/v4`) and the query string are ignored.
 */
export function matchCloudflareRoute(method: string, path: string): MatchedRoute {
  const withoutQuery = path.split('?')[0] ?? '';
  const at = withoutQuery.indexOf('/accounts/');
  if (at < 0) return { route: 'other' };
  const tail = withoutQuery.slice(at);
  const upper = method.toUpperCase();
  for (const candidate of ROUTES) {
    if (candidate.method !== upper) continue;
    const m = candidate.pattern.exec(tail);
    if (!m) continue;
    return {
      route: candidate.route,
      accountId: decode(m[1]),
      inputId: decode(m[2]),
      outputId: decode(m[3]),
    };
  }
  return { route: 'other' };
}

function decode(part: string | undefined): string | undefined {
  return part === undefined ? undefined : decodeURIComponent(part);
}
