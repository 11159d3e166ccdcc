import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeRoute = (
  req: IncomingMessage,
  url: URL,
  body: string,
) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

/** Reads the whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An HTTP server for fakes: one route function answers every request with JSON. */
export function createJsonServer(route: FakeRoute): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', 'http://fake.local');
        const answer = route(req, url, body) ?? {
          status: 404,
          body: {
            error: 'Not Found',
            status: 404,
            message: `no route ${req.method} ${url.pathname}`,
          },
        };
        const headers: Record<string, string> = { ...answer.headers };
        if (answer.body !== undefined) headers['content-type'] = 'application/json';
        res.writeHead(answer.status, headers);
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  });
}

/** Listens on 127.0.0.1 (port 0 = random) and returns the bound port. */
export function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
