import * as http from 'node:http';
import * as https from 'node:https';
import type { FetchLike } from '../../libs/cloudflare/budgeted-fetch';

/**
 * A `fetch` over node:http(s) with keep-alive agents, for the bench's load generators.
 *
 * The global fetch (undici) cost the socket client about 0.5 ms of CPU per request, as much
 * as the service spent on the webhook it sent, on a machine whose two cores the service,
 * PostgreSQL and the client share. This one costs about 40 % less.
 *
 * It was tried beneath the service's Cloudflare SDK too (its `fetch` option) and taken out
 * again: webhook → dashboard p99 was worse in most full-size runs (median of 8 about
 * 400 ms, against about 100 ms with the global fetch in 4), for no cause found.
 *
 * It covers plain requests: any method, string or byte bodies, the abort signal, buffered
 * responses. Redirects are returned, not followed. Other bodies go to the global fetch.
 */
export function createHttpFetch(
  options: { maxSockets?: number; idleTimeoutMs?: number } = {},
): FetchLike {
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    maxFreeSockets: 32,
    // Close an idle connection before the server does (Node's keepAliveTimeout is 5 s):
    // reusing one the server is closing fails the request with ECONNRESET.
    timeout: options.idleTimeoutMs ?? 4_000,
  };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };

  return (input, init) => {
    const body = init?.body;
    if (input instanceof Request || !isSimpleBody(body)) return fetch(input, init);
    const url = typeof input === 'string' ? new URL(input) : input;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return fetch(input, init);

    return new Promise<Response>((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        {
          method: init?.method ?? 'GET',
          headers: plainHeaders(init?.headers),
          agent: secure ? agents.https : agents.http,
          signal: init?.signal ?? undefined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const headers = new Headers();
            const raw = res.rawHeaders;
            for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
            const nullBody = status === 204 || status === 205 || status === 304;
            try {
              resolve(
                new Response(nullBody ? null : Buffer.concat(chunks), {
                  status,
                  statusText: res.statusMessage,
                  headers,
                }),
              );
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body ?? undefined);
    });
  };
}

function isSimpleBody(body: RequestInit['body']): body is string | Uint8Array | null | undefined {
  return body == null || typeof body === 'string' || body instanceof Uint8Array;
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (out[name] = value));
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) out[name.toLowerCase()] = value;
  } else {
    for (const [name, value] of Object.entries(headers))
      out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}
