import { field } from '../common/http-json';

export interface GraphUsage {
  /** Highest of call_count / total_time / total_cputime across the usage headers (0–100+). */
  percent: number;
  /** `estimated_time_to_regain_access` (BUC header), in ms, when Graph gives one. */
  regainAccessMs?: number;
}

function parse(value: string | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function percentOf(entry: unknown): number {
  const values = ['call_count', 'total_time', 'total_cputime'].map((k) => Number(field(entry, k)));
  return Math.max(0, ...values.filter(Number.isFinite));
}

/**
 * Reads Graph's rate-limit usage headers (developers.facebook.com/docs/graph-api/overview/
 * rate-limiting): `X-App-Usage` / `X-Page-Usage` are `{call_count,total_time,total_cputime}`
 * percentages; `X-Business-Use-Case-Usage` maps a business id to a list of such entries,
 * each with `estimated_time_to_regain_access` in minutes.
 */
export function graphUsage(headers: Headers): GraphUsage | undefined {
  const entries: unknown[] = [];
  for (const name of ['x-app-usage', 'x-page-usage']) {
    const v = parse(headers.get(name));
    if (v !== undefined) entries.push(v);
  }
  const buc = parse(headers.get('x-business-use-case-usage'));
  if (typeof buc === 'object' && buc !== null) {
    for (const list of Object.values(buc)) if (Array.isArray(list)) entries.push(...list);
  }
  if (entries.length === 0) return undefined;
  const regain = Math.max(
    0,
    ...entries
      .map((e) => Number(field(e, 'estimated_time_to_regain_access')))
      .filter(Number.isFinite),
  );
  return {
    percent: Math.max(...entries.map(percentOf)),
    regainAccessMs: regain > 0 ? regain * 60_000 : undefined,
  };
}
