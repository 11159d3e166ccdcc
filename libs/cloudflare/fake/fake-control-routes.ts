import { LIVE_INPUT_STATUSES } from '../live-input-status';
import type { LiveInputStatus } from '../cloudflare-stream.port';
import type { CloudflareFake, FakeConfig } from './cloudflare-fake';
import type { FaultSpec } from './fake-faults';

export interface ControlReply {
  status: number;
  body: unknown;
}

type Json = Record<string, unknown>;

/**
 * `/__fake/...`: the same test controls as the fake's methods, over HTTP, so a service,
 * dashboard or benchmark in another process can drive the fake. Unauthenticated: test only.
 *
 *   POST   /__fake/inputs/:id/connect | disconnect | reconnecting
 *   POST   /__fake/inputs/:id/status       { status, notify? }
 *   POST   /__fake/inputs/:id/recordings   { durationSeconds? }
 *   GET    /__fake/inputs/:id/outputs      (stream keys masked)
 *   GET    /__fake/state                   inputs with status and output counts
 *   POST   /__fake/faults                  FaultSpec → { id };  DELETE /__fake/faults[/:id]
 *   GET    /__fake/requests                { total, counts }
 *   POST   /__fake/config                  { statusForm?, webhookUrl?, videoWebhookUrl?, ... }
 *   POST   /__fake/reset
 */
export async function handleControlRequest(
  fake: CloudflareFake,
  method: string,
  url: URL,
  raw: Buffer,
): Promise<ControlReply> {
  let body: Json = {};
  if (raw.length > 0) {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        body = parsed as Json;
    } catch {
      return { status: 400, body: { error: 'invalid JSON' } };
    }
  }
  const parts = url.pathname.split('/').filter(Boolean).slice(1);
  const [resource, id, action] = parts;

  try {
    if (resource === 'inputs' && id !== undefined) {
      if (!fake.state.inputs.has(id))
        return { status: 404, body: { error: `no live input ${id}` } };
      if (method === 'POST' && action === 'connect')
        return delivered(await fake.connect(id), fake, id);
      if (method === 'POST' && action === 'disconnect')
        return delivered(await fake.disconnect(id), fake, id);
      if (method === 'POST' && action === 'reconnecting') {
        return delivered(await fake.setStatus(id, 'reconnecting'), fake, id);
      }
      if (method === 'POST' && action === 'status') {
        const status = body.status;
        if (status !== null && !(LIVE_INPUT_STATUSES as readonly unknown[]).includes(status)) {
          return {
            status: 400,
            body: { error: 'status must be a Cloudflare live input status or null' },
          };
        }
        const delivery = await fake.setStatus(id, status as LiveInputStatus, {
          notify: body.notify !== false,
        });
        return delivered(delivery, fake, id);
      }
      if (method === 'POST' && action === 'recordings') {
        const duration =
          typeof body.durationSeconds === 'number' ? body.durationSeconds : undefined;
        const result = await fake.finishRecording(id, { durationSeconds: duration });
        return { status: 200, body: result };
      }
      if (method === 'GET' && action === 'outputs') {
        return {
          status: 200,
          body: fake.outputsOf(id).map((o) => ({ ...o, streamKey: mask(o.streamKey) })),
        };
      }
    }
    if (resource === 'state' && method === 'GET') {
      const inputs = [...fake.state.inputs.values()].map((i) => ({
        uid: i.uid,
        status: i.status,
        meta: i.meta,
        outputs: fake.outputsOf(i.uid).length,
        duplicateOutputs: fake.duplicateOutputs(i.uid).length,
      }));
      return {
        status: 200,
        body: {
          inputs,
          videos: fake.state.videos.length,
          outputsCreated: fake.state.outputsCreated,
          outputsDeleted: fake.state.outputsDeleted,
        },
      };
    }
    if (resource === 'faults') {
      if (method === 'POST')
        return { status: 200, body: { id: fake.injectFault(body as FaultSpec) } };
      if (method === 'DELETE' && id !== undefined) {
        fake.removeFault(Number(id));
        return { status: 200, body: { ok: true } };
      }
      if (method === 'DELETE') {
        fake.clearFaults();
        return { status: 200, body: { ok: true } };
      }
    }
    if (resource === 'requests' && method === 'GET') {
      return { status: 200, body: { total: fake.requestCount(), counts: fake.requestCounts() } };
    }
    if (resource === 'config' && method === 'POST') {
      fake.configure(body as Partial<FakeConfig>);
      return { status: 200, body: { ok: true } };
    }
    if (resource === 'reset' && method === 'POST') {
      fake.reset();
      return { status: 200, body: { ok: true } };
    }
  } catch (err) {
    return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
  }
  return { status: 404, body: { error: `no control route ${method} ${url.pathname}` } };
}

function delivered(delivery: unknown, fake: CloudflareFake, id: string): ControlReply {
  return {
    status: 200,
    body: { status: fake.state.inputs.get(id)?.status ?? null, delivery: delivery ?? null },
  };
}

function mask(secret: string): string {
  return `****${secret.slice(-4)}`;
}
