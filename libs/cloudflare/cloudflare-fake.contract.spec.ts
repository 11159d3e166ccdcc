import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { matchCloudflareRoute, type CloudflareRoute } from './cloudflare-routes';
import { createCloudflareFake, type CloudflareFake } from './fake/cloudflare-fake';
import { adapterAgainst } from './testing/adapter-harness';

/**
 * The fake against Cloudflare's published OpenAPI (github.com/cloudflare/api-schemas, subset
 * in /work/shared/reference): every route, called through the real SDK via the adapter and
 * with raw fetch, and every JSON answer validated against that route's response schema.
 */
const SPEC_PATH = join(__dirname, 'reference/cloudflare-stream-live-inputs.openapi.json');
/** The project's shared copy, beside the repository when it is checked out in the workspace. */
const SHARED_SPEC_PATH = join(
  __dirname,
  '../../../shared/reference/cloudflare-stream-live-inputs.openapi.json',
);

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }
    >
  >;
}

const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDoc;

describe('the OpenAPI copy in libs/cloudflare/reference', () => {
  it('is the published schema, unchanged (compared with ../shared when present)', () => {
    expect(Object.keys(spec.paths).length).toBeGreaterThan(0);
    if (existsSync(SHARED_SPEC_PATH)) {
      expect(spec).toEqual(JSON.parse(readFileSync(SHARED_SPEC_PATH, 'utf8')));
    }
  });
});

// OpenAPI 3.0 flavour: `nullable`, `example`, unknown keywords; refs resolve inside the doc.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'cloudflare');

const OPERATIONS: Record<
  Exclude<CloudflareRoute, 'other' | 'live_inputs.videos'>,
  [string, string]
> = {
  'live_inputs.list': ['/accounts/{account_id}/stream/live_inputs', 'get'],
  'live_inputs.create': ['/accounts/{account_id}/stream/live_inputs', 'post'],
  'live_inputs.get': ['/accounts/{account_id}/stream/live_inputs/{live_input_identifier}', 'get'],
  'live_inputs.update': [
    '/accounts/{account_id}/stream/live_inputs/{live_input_identifier}',
    'put',
  ],
  'live_inputs.delete': [
    '/accounts/{account_id}/stream/live_inputs/{live_input_identifier}',
    'delete',
  ],
  'outputs.list': [
    '/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs',
    'get',
  ],
  'outputs.create': [
    '/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs',
    'post',
  ],
  'outputs.update': [
    '/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs/{output_identifier}',
    'put',
  ],
  'outputs.delete': [
    '/accounts/{account_id}/stream/live_inputs/{live_input_identifier}/outputs/{output_identifier}',
    'delete',
  ],
  'videos.list': ['/accounts/{account_id}/stream', 'get'],
};

function pointer(path: string): string {
  return path.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The published schema for an answer, or the common envelope where the spec gives none. */
function validatorFor(route: CloudflareRoute, status: number): ValidateFunction {
  const key = route === 'live_inputs.videos' ? 'videos.list' : route;
  const op = key === 'other' ? undefined : OPERATIONS[key];
  const success = status < 400;
  if (op) {
    const [path, method] = op;
    const code = success ? '200' : '4XX';
    const schema =
      spec.paths[path]?.[method]?.responses[code]?.content?.['application/json']?.schema;
    if (schema) {
      return ajv.compile({
        $ref: `cloudflare#/paths/${pointer(path)}/${method}/responses/${code}/content/application~1json/schema`,
      });
    }
  }
  return ajv.compile({
    $ref: success
      ? 'cloudflare#/components/schemas/stream_api-response-common'
      : 'cloudflare#/components/schemas/stream_api-response-common-failure',
  });
}

interface Seen {
  route: CloudflareRoute;
  status: number;
  body: unknown;
}

function expectValid(seen: Seen): void {
  const validate = validatorFor(seen.route, seen.status);
  const ok = validate(seen.body);
  if (!ok) {
    throw new Error(
      `${seen.route} ${seen.status} does not match the OpenAPI schema: ${ajv.errorsText(validate.errors)}\n` +
        JSON.stringify(seen.body, null, 2),
    );
  }
}

describe('Cloudflare fake contract (OpenAPI)', () => {
  let fake: CloudflareFake;

  beforeAll(async () => {
    fake = await createCloudflareFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers every route the SDK calls with JSON that matches the published schemas', async () => {
    const seen: Seen[] = [];
    const recordingFetch = async (
      input: string | URL | Request,
      init?: RequestInit,
    ): Promise<Response> => {
      const res = await fetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const { route } = matchCloudflareRoute(init?.method ?? 'GET', url);
      seen.push({ route, status: res.status, body: await res.clone().json() });
      return res;
    };
    const { adapter } = adapterAgainst(fake, { fetch: recordingFetch });

    const input = await adapter.createLiveInput({
      userId: 'alice',
      recording: { mode: 'automatic' },
    });
    await fake.connect(input.uid);
    await adapter.getLiveInput(input.uid);
    await adapter.updateLiveInput(input.uid, { recording: { mode: 'off' } });
    const output = await adapter.createOutput(input.uid, {
      url: 'rtmp://live.twitch.tv/app',
      streamKey: 'k',
    });
    await adapter.listOutputs(input.uid);
    await adapter.updateOutput(input.uid, output.uid, { enabled: false });
    await fake.finishRecording(input.uid);
    await adapter.listVideos(input.uid);
    await adapter.deleteOutput(input.uid, output.uid);
    await adapter.deleteOutput(input.uid, output.uid);
    await adapter.deleteLiveInput(input.uid);
    await adapter.getLiveInput(input.uid);

    const routes = new Set(seen.map((s) => s.route));
    expect([...routes].sort()).toEqual(
      [
        'live_inputs.create',
        'live_inputs.delete',
        'live_inputs.get',
        'live_inputs.update',
        'outputs.create',
        'outputs.delete',
        'outputs.list',
        'outputs.update',
        'videos.list',
      ].sort(),
    );
    expect(seen.some((s) => s.status === 404)).toBe(true);
    seen.forEach(expectValid);
  });

  it('answers raw HTTP calls on every route, errors included, with schema-valid envelopes', async () => {
    const base = `${fake.url}/accounts/${fake.accountId}/stream`;
    const auth = { authorization: `Bearer ${fake.apiToken}`, 'content-type': 'application/json' };
    async function call(
      method: string,
      url: string,
      body?: unknown,
      headers: Record<string, string> = auth,
    ): Promise<Seen> {
      const res = await fetch(url, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const seen = {
        route: matchCloudflareRoute(method, url).route,
        status: res.status,
        body: await res.json(),
      };
      expectValid(seen);
      return seen;
    }

    const created = await call('POST', `${base}/live_inputs`, {
      meta: { name: 'raw' },
      recording: { mode: 'automatic', timeoutSeconds: 10, allowedOrigins: ['example.com'] },
      deleteRecordingAfterDays: 45,
    });
    expect(created.status).toBe(200);
    const uid = (created.body as { result: { uid: string } }).result.uid;
    expect(uid).toMatch(/^[0-9a-f]{32}$/);

    expect((await call('GET', `${base}/live_inputs`)).status).toBe(200);
    expect((await call('GET', `${base}/live_inputs?include_counts=true`)).status).toBe(200);
    expect((await call('GET', `${base}/live_inputs/${uid}`)).status).toBe(200);
    expect(
      (await call('PUT', `${base}/live_inputs/${uid}`, { meta: { name: 'renamed' } })).status,
    ).toBe(200);

    const out = await call('POST', `${base}/live_inputs/${uid}/outputs`, {
      url: 'rtmp://a.rtmp.youtube.com/live2',
      streamKey: 'uzya-f19y-g2g9-a2ee-51j2',
    });
    const outputId = (out.body as { result: { uid: string } }).result.uid;
    expect((await call('GET', `${base}/live_inputs/${uid}/outputs`)).status).toBe(200);
    expect(
      (await call('PUT', `${base}/live_inputs/${uid}/outputs/${outputId}`, { enabled: false }))
        .status,
    ).toBe(200);

    await fake.finishRecording(uid);
    expect((await call('GET', `${base}?live_input_id=${uid}`)).status).toBe(200);
    const videos = await call('GET', `${base}/live_inputs/${uid}/videos`);
    expect((videos.body as { result: unknown[] }).result).toHaveLength(1);

    // Errors, in Cloudflare's failure envelope.
    expect(
      (await call('POST', `${base}/live_inputs`, { recording: { mode: 'sometimes' } })).status,
    ).toBe(400);
    expect(
      (await call('POST', `${base}/live_inputs/${uid}/outputs`, { url: 'ftp://x' })).status,
    ).toBe(400);
    expect((await call('PUT', `${base}/live_inputs/${uid}/outputs/${outputId}`, {})).status).toBe(
      400,
    );
    expect((await call('GET', `${base}/live_inputs`, undefined, {})).status).toBe(401);
    expect(
      (await call('GET', `${base}/live_inputs`, undefined, { authorization: 'Bearer wrong' }))
        .status,
    ).toBe(403);
    fake.injectFault({ route: 'live_inputs.get', status: 429, retryAfter: 5 });
    expect((await call('GET', `${base}/live_inputs/${uid}`)).status).toBe(429);
    fake.injectFault({ route: 'live_inputs.get', status: 500 });
    expect((await call('GET', `${base}/live_inputs/${uid}`)).status).toBe(500);

    expect((await call('DELETE', `${base}/live_inputs/${uid}/outputs/${outputId}`)).status).toBe(
      200,
    );
    expect((await call('DELETE', `${base}/live_inputs/${uid}/outputs/${outputId}`)).status).toBe(
      404,
    );
    expect((await call('DELETE', `${base}/live_inputs/${uid}`)).status).toBe(200);
    expect((await call('GET', `${base}/live_inputs/${uid}`)).status).toBe(404);
    expect((await call('DELETE', `${base}/live_inputs/${uid}`)).status).toBe(404);
  });

  it('would catch a fake that drifts from the schema', () => {
    const drifted = {
      success: true,
      errors: [],
      messages: [],
      result: { uid: 'x', status: 'live', recording: { mode: 'always' } },
    };
    expect(validatorFor('live_inputs.get', 200)(drifted)).toBe(false);
    expect(validatorFor('live_inputs.get', 404)({ success: false, errors: [], messages: [] })).toBe(
      false,
    );
  });

  it('sends status in the object form only when asked (that form is outside the schema)', async () => {
    fake.configure({ statusForm: 'object' });
    const { uid } = fake.state.createInput({});
    await fake.connect(uid);
    const res = await fetch(`${fake.url}/accounts/${fake.accountId}/stream/live_inputs/${uid}`, {
      headers: { authorization: `Bearer ${fake.apiToken}` },
    });
    const body = (await res.json()) as { result: { status: unknown } };
    expect(body.result.status).toEqual({ current: { state: 'connected' } });
    fake.configure({ statusForm: 'string' });
  });
});
