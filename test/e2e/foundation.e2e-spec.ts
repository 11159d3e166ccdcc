import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp, TEST_JWT_SECRET } from '../helpers/test-app';

describe('Foundation (HTTP, auth, errors, operations)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('auth', () => {
    it('refuses a request without a token with 401 JSON in the contract shape', async () => {
      const res = await t.http().get('/api/me').expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.stringContaining('bearer token'),
        code: 'UNAUTHORIZED',
      });
    });

    it('refuses a token signed with another secret', async () => {
      const forged = await new SignJWT({ role: 'ops' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('x'.repeat(40)));
      const res = await t
        .http()
        .get('/api/me')
        .set('Authorization', `Bearer ${forged}`)
        .expect(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    });

    it('refuses an expired token with TOKEN_EXPIRED', async () => {
      const expired = await new SignJWT({ role: 'streamer' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const res = await t
        .http()
        .get('/api/me')
        .set('Authorization', `Bearer ${expired}`)
        .expect(401);
      expect(res.body.code).toBe('TOKEN_EXPIRED');
    });

    it('refuses a token without exp, or without a valid role', async () => {
      const noExp = await new SignJWT({ role: 'streamer' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      await t.http().get('/api/me').set('Authorization', `Bearer ${noExp}`).expect(401);
      const badRole = await new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      await t.http().get('/api/me').set('Authorization', `Bearer ${badRole}`).expect(401);
    });

    it('accepts a valid token and reports the principal', async () => {
      const token = await t.token('alice');
      const res = await t.http().get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body).toEqual({ userId: 'alice', role: 'streamer' });
    });
  });

  describe('errors', () => {
    it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
      const token = await t.token('alice');
      const res = await t
        .http()
        .post('/api/me')
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', 'application/json')
        .send('{"bad')
        .expect(400);
      expect(res.body.code).toBe('MALFORMED_JSON');
    });

    it('names what a body must be when it is a bare JSON value', async () => {
      const res = await t
        .http()
        .post('/api/me')
        .set('Content-Type', 'application/json')
        .send('null')
        .expect(400);
      expect(res.body).toMatchObject({
        code: 'MALFORMED_JSON',
        message: 'Request body must be a JSON object or array',
      });
    });

    it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await t
        .http()
        .post('/api/me')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ x: 'a'.repeat(300 * 1024) }))
        .expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
      const res = await t.http().get('/api/nope').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
    });
  });

  describe('operations', () => {
    it('reports liveness and readiness (database checked)', async () => {
      await t.http().get('/health/live').expect(200, { status: 'ok' });
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.info.database.status).toBe('up');
    });

    it('serves Prometheus metrics', async () => {
      const res = await t.http().get('/metrics').expect(200);
      expect(res.text).toContain('http_request_duration_seconds');
      expect(res.text).toContain('process_cpu_user_seconds_total');
    });

    it('serves the OpenAPI document with bearer auth declared', async () => {
      const res = await t.http().get('/docs/openapi.json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(res.body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
      expect(Object.keys(res.body.paths)).toContain('/api/me');
    });

    it('echoes a well-formed x-request-id and makes one up otherwise', async () => {
      const given = await t.http().get('/health/live').set('x-request-id', 'abc-123').expect(200);
      expect(given.headers['x-request-id']).toBe('abc-123');
      const made = await t
        .http()
        .get('/health/live')
        .set('x-request-id', 'bad id with spaces')
        .expect(200);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('ran the migrations on a real PostgreSQL', async () => {
    const ds = t.app.get(DataSource);
    const rows: { version: string }[] = await ds.query('SELECT version()');
    expect(rows[0].version).toMatch(/^PostgreSQL \d+/);
    const tables: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'sessions',
        'session_transitions',
        'outputs',
        'broadcasts',
        'audit_log',
        'migrations',
      ]),
    );
  });
});
