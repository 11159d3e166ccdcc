import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What sits in front of the nodes in a deployment: each request goes to a random node that
 * is believed up, and to another one when that node refuses the connection. Webhooks from
 * the Cloudflare fake and the workload's HTTP calls go through it, so they land on nodes
 * that do not own the session and must be forwarded.
 */
export class LoadBalancer {
  private server?: Server;
  forwarded = 0;
  retried = 0;
  unreachable = 0;

  constructor(
    private readonly backends: () => string[],
    private readonly random: () => number,
  ) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.forward(req, Buffer.concat(chunks)).then(
          (answer) => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          },
          () => {
            this.unreachable++;
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ statusCode: 502, code: 'NO_BACKEND', error: 'Bad Gateway' }));
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve) ?? resolve(undefined));
  }

  private async forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const candidates = [...this.backends()].sort(() => this.random() - 0.5);
    let lastError: unknown = new Error('no node is up');
    for (const [i, base] of candidates.entries()) {
      if (i > 0) this.retried++;
      try {
        const answer = await once(base, req, body);
        this.forwarded++;
        return answer;
      } catch (err) {
        // Only a refused connection is safe to retry elsewhere: a request cut mid-way may
        // have run, and replaying it would turn one command into two.
        if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw err;
        lastError = err;
      }
    }
    throw lastError;
  }
}

function once(
  base: string,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const target = new URL(req.url ?? '/', base);
  return new Promise((resolve, reject) => {
    const out = request(
      target,
      {
        method: req.method,
        headers: { ...req.headers, host: target.host },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection')
              headers[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    out.on('timeout', () => out.destroy(new Error('timeout')));
    out.on('error', reject);
    out.end(body);
  });
}
