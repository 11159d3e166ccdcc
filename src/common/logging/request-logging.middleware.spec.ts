import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { waitFor } from '../../../test/helpers/wait-for';
import { requestLogging } from './request-logging.middleware';

/** The request log over a real HTTP server, with the service's real root logger. */
describe('requestLogging', () => {
  let server: Server;
  let lines: Record<string, unknown>[] = [];
  let level = 'info';

  async function start(): Promise<string> {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const mw = requestLogging(pino({ level, base: { node: 'n1' } }, sink));
    server = createServer((req, res) =>
      mw(req, res, () => {
        if (req.url?.startsWith('/hang')) return; // the client gives up first
        res.statusCode = req.url?.startsWith('/missing') ? 404 : 200;
        res.end('ok');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    lines = [];
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('writes one line per request, at the level its status calls for, with the secrets scrubbed', async () => {
    level = 'info';
    const base = await start();
    const ok = await fetch(`${base}/api/x?token=s3cret&page=2`, {
      headers: { 'x-request-id': 'req-1' },
    });
    expect(ok.headers.get('x-request-id')).toBe('req-1');
    await fetch(`${base}/missing`);
    await fetch(`${base}/health/live`);
    await waitFor(() => lines.length >= 2, 'two request lines');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        context: 'HTTP',
        reqId: 'req-1',
        req: { method: 'GET', url: '/api/x?token=[redacted]&page=2' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      }),
      expect.objectContaining({ level: 40, res: { statusCode: 404 } }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('writes nothing below the level, and warns about a request the client abandoned', async () => {
    level = 'warn';
    const base = await start();
    await fetch(`${base}/api/x`);
    await fetch(`${base}/hang`, { signal: AbortSignal.timeout(100) }).catch(() => undefined);
    // Written after the first request's (which, at info, would come first).
    await waitFor(() => lines.length >= 1, 'the aborted request line');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        req: { method: 'GET', url: '/hang' },
        msg: 'request aborted',
      }),
    ]);
  });
});
