import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  parseLiveInputNotification,
  verifyNotificationAuth,
  verifyStreamSignature,
} from '../webhook-verification';
import { createCloudflareFake, type CloudflareFake } from './cloudflare-fake';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

describe('createCloudflareFake', () => {
  let fake: CloudflareFake;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    fake = await createCloudflareFake({
      webhookUrl: `${receiverUrl}/live`,
      webhookSecret: 'notify-secret',
      videoWebhookUrl: `${receiverUrl}/video`,
      videoWebhookSecret: 'video-secret',
    });
  });
  afterAll(async () => {
    await fake.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  beforeEach(() => {
    fake.reset();
    received.length = 0;
  });

  it('posts a Cloudflare Notification with cf-webhook-auth on connect and disconnect', async () => {
    const { uid } = fake.state.createInput({});
    const delivery = await fake.connect(uid);
    expect(delivery?.status).toBe(204);
    await fake.disconnect(uid);
    await fake.setStatus(uid, 'failed_to_connect');
    // Cloudflare sends no notification for reconnecting.
    await fake.setStatus(uid, 'reconnecting');

    expect(received.map((r) => r.path)).toEqual(['/live', '/live', '/live']);
    for (const r of received) {
      expect(verifyNotificationAuth(r.headers['cf-webhook-auth'] as string, 'notify-secret')).toBe(
        true,
      );
    }
    expect(received.map((r) => parseLiveInputNotification(r.raw)?.eventType)).toEqual([
      'live_input.connected',
      'live_input.disconnected',
      'live_input.errored',
    ]);
    expect(parseLiveInputNotification(received[0]!.raw)?.inputId).toBe(uid);
    expect(fake.state.inputs.get(uid)?.status).toBe('reconnecting');
  });

  it('finishes a recording: adds a video and posts a signed video webhook', async () => {
    const { uid } = fake.state.createInput({ recording: { mode: 'automatic' } });
    const { video } = await fake.finishRecording(uid, { durationSeconds: 42 });

    expect(video).toMatchObject({ liveInput: uid, readyToStream: true, duration: 42 });
    const hook = received.find((r) => r.path === '/video');
    expect(hook).toBeDefined();
    const result = verifyStreamSignature(
      hook!.headers['webhook-signature'] as string,
      hook!.raw,
      'video-secret',
      Date.now(),
    );
    expect(result).toBe('ok');
    expect(JSON.parse(hook!.raw.toString())).toEqual(video);
  });

  it('can be driven over HTTP from another process', async () => {
    const { uid } = fake.state.createInput({});
    const post = (path: string, body?: unknown) =>
      fetch(`${fake.origin}/__fake${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });

    expect(await (await post(`/inputs/${uid}/connect`)).json()).toMatchObject({
      status: 'connected',
    });
    expect((await post(`/inputs/${uid}/status`, { status: 'ttl_exceeded' })).status).toBe(200);
    expect(fake.state.inputs.get(uid)?.status).toBe('ttl_exceeded');
    expect((await post(`/inputs/${uid}/status`, { status: 'bogus' })).status).toBe(400);
    expect((await post(`/inputs/${'0'.repeat(32)}/connect`)).status).toBe(404);

    await post('/faults', { route: 'live_inputs.get', status: 503, times: 1 });
    const api = await fetch(`${fake.url}/accounts/${fake.accountId}/stream/live_inputs/${uid}`, {
      headers: { authorization: `Bearer ${fake.apiToken}` },
    });
    expect(api.status).toBe(503);

    const counts = (await (await fetch(`${fake.origin}/__fake/requests`)).json()) as {
      total: number;
      counts: Record<string, number>;
    };
    expect(counts).toEqual({ total: 1, counts: { 'live_inputs.get': 1 } });

    fake.state.addOutput(uid, { url: 'rtmp://x/app', streamKey: 'supersecretkey', enabled: true });
    const outputs = (await (
      await fetch(`${fake.origin}/__fake/inputs/${uid}/outputs`)
    ).json()) as Array<{
      streamKey: string;
    }>;
    expect(outputs[0]?.streamKey).toBe('****tkey');

    expect((await post('/recordings')).status).toBe(404);
    expect((await post(`/inputs/${uid}/recordings`, { durationSeconds: 5 })).status).toBe(200);
    expect(fake.state.videos).toHaveLength(1);

    await post('/reset');
    expect(fake.state.inputs.size).toBe(0);
    expect(fake.requestCount()).toBe(0);
  });

  it('applies probabilistic faults with the injected randomness', async () => {
    const rolls = [0.1, 0.9, 0.2];
    const seeded = await createCloudflareFake({ random: () => rolls.shift() ?? 1 });
    try {
      seeded.injectFault({ route: 'live_inputs.list', status: 500, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${seeded.url}/accounts/${seeded.accountId}/stream/live_inputs`, {
          headers: { authorization: `Bearer ${seeded.apiToken}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([500, 200, 500, 200]);
      expect(seeded.requestCount('live_inputs.list')).toBe(4);
    } finally {
      await seeded.close();
    }
  });

  it('tracks duplicate outputs per input', () => {
    const { uid } = fake.state.createInput({});
    fake.state.addOutput(uid, { url: 'rtmp://a/app', streamKey: 'k', enabled: true });
    fake.state.addOutput(uid, { url: 'rtmp://a/app', streamKey: 'k', enabled: true });
    fake.state.addOutput(uid, { url: 'rtmp://b/app', streamKey: 'k', enabled: true });
    expect(fake.outputsOf(uid)).toHaveLength(3);
    expect(fake.duplicateOutputs(uid).map((o) => o.url)).toEqual(['rtmp://a/app']);
  });
});
