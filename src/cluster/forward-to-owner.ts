import type { Request, Response } from 'express';

/** Set on a forwarded request, so a request is forwarded at most once (no loops). */
export const FORWARDED_HEADER = 'x-stream-supervisor-forwarded-by';
const PASSED_HEADERS = [
  'authorization',
  'content-type',
  'cf-webhook-auth',
  'webhook-signature',
  'x-request-id',
  'accept',
];

/**
 * Replays a request that reached a node which does not own the session on the node that
 * does, and relays its answer. Returns false when it could not be forwarded (already
 * forwarded once, no known owner URL, or the owner did not answer).
 */
export async function forwardToOwner(
  req: Request & { rawBody?: Buffer },
  res: Response,
  ownerUrl: string | null,
  nodeId: string,
): Promise<boolean> {
  if (!ownerUrl || req.headers[FORWARDED_HEADER]) return false;
  const headers: Record<string, string> = { [FORWARDED_HEADER]: nodeId };
  for (const h of PASSED_HEADERS) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const hasBody = !['GET', 'HEAD'].includes(req.method);
  let answer: globalThis.Response;
  try {
    answer = await fetch(new URL(req.originalUrl, ownerUrl), {
      method: req.method,
      headers,
      body: hasBody
        ? (req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body)))
        : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return false;
  }
  const type = answer.headers.get('content-type');
  if (type) res.setHeader('content-type', type);
  res.setHeader(FORWARDED_HEADER, nodeId);
  res.status(answer.status).send(Buffer.from(await answer.arrayBuffer()));
  return true;
}
