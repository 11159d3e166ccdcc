import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpFetch } from './http-fetch';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe(createHttpFetch.name, () => {
  let server: http.Server;
  let base: string;
  let seen: Seen[];
  let connections: number;
  let respond: (req: Seen, res: http.ServerResponse) => void;

  beforeEach(async () => {
    seen = [];
    connections = 0;
    respond = (_req, res) => res.end('{}');
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const entry = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        seen.push(entry);
        respond(entry, res);
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, path, query and headers, and returns status, headers and body', async () => {
    respond = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.statusCode = 201;
      res.end(JSON.stringify({ success: true, result: { uid: 'x' } }));
    };
    const response = await createHttpFetch()(`${base}/client/v4/things?page=2`, {
      method: 'PUT',
      headers: new Headers({ Authorization: 'Bearer t', 'Content-Type': 'application/json' }),
      body: JSON.stringify({ name: 'é' }),
    });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/client/v4/things?page=2' });
    expect(seen[0].headers).toMatchObject({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"name":"é"}')),
    });
    expect(JSON.parse(seen[0].body)).toEqual({ name: 'é' });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ success: true, result: { uid: 'x' } });
  });

  it('takes headers as a plain object or as pairs', async () => {
    const fetch = createHttpFetch();
    await fetch(`${base}/a`, { headers: { 'X-One': '1' } });
    await fetch(`${base}/b`, { headers: [['X-Two', '2']] });
    expect(seen[0].headers['x-one']).toBe('1');
    expect(seen[1].headers['x-two']).toBe('2');
  });

  it('returns error statuses as responses, and 204 with an empty body', async () => {
    respond = (req, res) => {
      res.statusCode = req.url === '/gone' ? 404 : 204;
      res.end(req.url === '/gone' ? '{"success":false}' : undefined);
    };
    const fetch = createHttpFetch();
    const gone = await fetch(`${base}/gone`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ success: false });
    const empty = await fetch(`${base}/empty`, { method: 'DELETE' });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('keeps the connection alive between calls', async () => {
    const fetch = createHttpFetch();
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/n${i}`)).text();
    expect(seen).toHaveLength(5);
    expect(connections).toBe(1);
  });

  it('closes an idle connection itself, before the server’s keep-alive timeout', async () => {
    server.keepAliveTimeout = 60_000;
    const closed = new Promise((resolve) =>
      server.once('connection', (c) => c.once('close', resolve)),
    );
    await (await createHttpFetch({ idleTimeoutMs: 50 })(`${base}/once`)).text();
    await closed; // only the client can have closed it within the test's time
    expect(connections).toBe(1);
  });

  it('rejects with an AbortError when the signal aborts', async () => {
    respond = () => undefined; // never answers
    const controller = new AbortController();
    const pending = createHttpFetch()(`${base}/slow`, { signal: controller.signal });
    await new Promise((resolve) => server.once('request', resolve));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects when nothing listens', async () => {
    const address = server.address() as AddressInfo;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = http.createServer(); // for afterEach
    server.listen(0, '127.0.0.1');
    await expect(createHttpFetch()(`http://127.0.0.1:${address.port}/`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('hands other bodies (forms, streams) to the global fetch', async () => {
    const response = await createHttpFetch()(`${base}/form`, {
      method: 'POST',
      body: new URLSearchParams({ a: '1' }),
    });
    expect(response.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'a=1' });
    expect(seen[0].headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
  });
});
