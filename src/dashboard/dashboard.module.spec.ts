import { createTestApp, TestApp } from '../../test/helpers/test-app';
import { CONTENT_SECURITY_POLICY } from './security-headers';

describe('DashboardModule: pages, assets and dev sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RECONCILE_INTERVAL: '1h' });
  });
  afterAll(() => t.close());

  it.each([
    ['/', 'Stream Supervisor</title>'],
    ['/ops', 'Ops console'],
  ])('serves %s without a token, with a strict CSP and revalidation', async (path, marker) => {
    const res = await t.http().get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(marker);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toBeDefined();
  });

  it('serves scripts and the stylesheet with ETags and answers conditional GETs with 304', async () => {
    const js = await t.http().get('/dashboard/js/streamer/main.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const css = await t.http().get('/dashboard/styles.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    await t.http().get('/dashboard/styles.css').set('If-None-Match', css.headers.etag).expect(304);
  });

  it('answers unknown and escaping paths with the API 404, never a file outside public/', async () => {
    const missing = await t.http().get('/dashboard/nope.js').expect(404);
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
    for (const path of ['/dashboard/../../package.json', '/dashboard/%2e%2e/%2e%2e/package.json']) {
      const res = await t.http().get(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toContain('"devDependencies"');
    }
  });

  it('serves the Socket.IO ES module client the pages import', async () => {
    const res = await t.http().get('/socket.io/socket.io.esm.min.js').expect(200);
    expect(res.text).toContain('export');
  });

  it('mints working dev tokens outside production and says so in the config', async () => {
    expect((await t.http().get('/api/dashboard/config').expect(200)).body).toEqual({
      devSignIn: true,
    });
    const { token } = (
      await t.http().post('/api/dev/token').send({ userId: 'dana', role: 'ops' }).expect(200)
    ).body;
    const me = await t.http().get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toEqual({ userId: 'dana', role: 'ops' });
  });

  it('validates the dev sign-in body', async () => {
    const bad = await t
      .http()
      .post('/api/dev/token')
      .send({ userId: 'no spaces allowed', role: 'admin', extra: 1 })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'extra',
      'role',
      'userId',
    ]);
  });
});

describe('DashboardModule in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production', RECONCILE_INTERVAL: '1h' });
  });
  afterAll(() => t.close());

  it('has no dev sign-in route, and the page is told so', async () => {
    const res = await t.http().post('/api/dev/token').send({ userId: 'eve', role: 'ops' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    expect(res.text).not.toMatch(/eyJ/);
    expect((await t.http().get('/api/dashboard/config').expect(200)).body).toEqual({
      devSignIn: false,
    });
    await t.http().get('/').expect(200);
  });
});
