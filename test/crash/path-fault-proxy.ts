import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the Cloudflare fake that fails (503, Cloudflare
 * error envelope) every request whose path contains one of the blocked ids. The fake's own
 * faults are per route for the whole account; this scopes a fault to one user's input.
 */
export class PathFaultProxy {
  private server?: Server;
  private readonly blocked = new Set<string>();
  /** Requests answered with the injected 503. */
  failed = 0;
  url = '';

  constructor(private readonly target: string) {}

  async listen(): Promise<void> {
    const upstream = new URL(this.target);
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      if ([...this.blocked].some((id) => path.includes(id))) {
        this.failed += 1;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            success: false,
            errors: [{ code: 10000, message: 'Injected 503 for this input' }],
            messages: [],
            result: null,
          }),
        );
        return;
      }
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  block(id: string): void {
    this.blocked.add(id);
  }

  unblock(id: string): void {
    this.blocked.delete(id);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
