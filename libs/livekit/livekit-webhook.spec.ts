import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodySha256, signHs256 } from './fake/fake-jwt';
import { FakeLiveKitServer } from './fake/fake-livekit.server';
import { LiveKitAdapter } from './livekit.adapter';
import { WebhookVerificationError } from './livekit-error.mapper';
import type { LiveKitWebhookEvent } from './livekit.port';
import { sameStreamUrl } from './stream-url';

const API_KEY = 'APIwebhooks';
const API_SECRET = 'webhook-spec-secret-0123456789abcdef';

/** Stands in for the service's webhook controller: verifies, records, answers 200 or 401. */
class WebhookEndpoint {
  readonly accepted: LiveKitWebhookEvent[] = [];
  readonly rejected: unknown[] = [];
  readonly contentTypes: string[] = [];
  private server: Server | undefined;

  constructor(private readonly livekit: LiveKitAdapter) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.contentTypes.push(req.headers['content-type'] ?? '');
        this.livekit
          .receiveWebhook(Buffer.concat(chunks).toString('utf8'), req.headers.authorization)
          .then(
            (event) => {
              this.accepted.push(event);
              res.writeHead(200).end();
            },
            (err: unknown) => {
              this.rejected.push(err);
              res.writeHead(401).end();
            },
          );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/livekit`;
  }

  names(): string[] {
    return this.accepted.map((e) => e.event);
  }

  clear(): void {
    this.accepted.length = 0;
    this.rejected.length = 0;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}

describe('LiveKit webhooks (fake sender -> adapter.receiveWebhook)', () => {
  const fake = new FakeLiveKitServer({ apiKey: API_KEY, apiSecret: API_SECRET });
  const livekit = new LiveKitAdapter({
    host: 'http://127.0.0.1:1',
    wsUrl: 'ws://x',
    apiKey: API_KEY,
    apiSecret: API_SECRET,
  });
  const endpoint = new WebhookEndpoint(livekit);
  let fakeUrl: string;

  beforeAll(async () => {
    fakeUrl = await fake.start();
    fake.setWebhookUrl(await endpoint.start());
  });
  afterAll(async () => {
    await fake.close();
    await endpoint.close();
  });
  beforeEach(() => {
    const url = fake.webhooks.url;
    fake.reset();
    fake.setWebhookUrl(url);
    endpoint.clear();
  });

  it('a creator going live arrives as room_started, participant_joined, track_published (x2), all verified', async () => {
    await fake.simulatePublish('alice', 'alice', { name: 'Alice' });
    expect(endpoint.rejected).toEqual([]);
    expect(endpoint.names()).toEqual([
      'room_started',
      'participant_joined',
      'track_published',
      'track_published',
    ]);
    const [, joined, video] = endpoint.accepted;
    expect(joined.room?.name).toBe('alice');
    expect(joined.participant).toMatchObject({ identity: 'alice', name: 'Alice' });
    expect(video.track).toMatchObject({ kind: 'video', source: 'camera', muted: false });
    expect(joined.id).toMatch(/^EV_/);
    expect(joined.createdAt.getTime()).toBeGreaterThan(0);
    expect(endpoint.contentTypes.every((t) => t === 'application/webhook+json')).toBe(true);
  });

  it('leaving and the room closing arrive as track_unpublished, participant_left, room_finished', async () => {
    await fake.simulatePublish('alice', 'alice');
    endpoint.clear();
    await fake.simulateLeave('alice', 'alice');
    await fake.simulateRoomFinished('alice');
    expect(endpoint.names()).toEqual([
      'track_unpublished',
      'track_unpublished',
      'participant_left',
      'room_finished',
    ]);
  });

  it('egress webhooks carry the egress info, including a destination that failed', async () => {
    await fake.simulatePublish('alice', 'alice');
    const rtmp = new LiveKitAdapter({
      host: fakeUrl,
      wsUrl: 'ws://x',
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    const { egressId } = await rtmp.startRoomCompositeEgress('alice', [
      'rtmp://a.rtmp.youtube.com/live2/key-one-123',
      'rtmps://live.twitch.tv/app/key-two-456',
    ]);
    await fake.failUrl('rtmps://live.twitch.tv/', 'rtmp handshake failed');
    await fake.failEgress(egressId, 'encoder crashed');
    const egressEvents = endpoint.accepted.filter((e) => e.egress);
    expect(egressEvents.map((e) => [e.event, e.egress?.status])).toEqual([
      ['egress_started', 'starting'],
      ['egress_updated', 'active'],
      ['egress_updated', 'active'],
      ['egress_ended', 'failed'],
    ]);
    const afterUrlFailure = egressEvents[2].egress!;
    const twitch = afterUrlFailure.streams.find((s) =>
      sameStreamUrl(s.url, 'rtmps://live.twitch.tv/app/key-two-456'),
    );
    expect(twitch).toMatchObject({ status: 'failed', error: 'rtmp handshake failed' });
    expect(egressEvents[3].egress).toMatchObject({ egressId, error: 'encoder crashed' });
  });

  it('the fake can be driven over HTTP by another process', async () => {
    const post = (path: string, body: unknown = {}) =>
      fetch(`${fakeUrl}/__fake/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('rooms/carol/publish', { identity: 'carol' })).status).toBe(200);
    expect((await post('rooms/bob/publish', { identity: 'bob', sources: ['camera'] })).status).toBe(
      200,
    );
    expect(endpoint.names()).toEqual([
      ...['room_started', 'participant_joined', 'track_published', 'track_published'],
      ...['room_started', 'participant_joined', 'track_published'],
    ]);
    endpoint.clear();
    expect((await post('rooms/bob/participants/bob/leave')).status).toBe(200);
    expect((await post('rooms/bob/finish')).status).toBe(200);
    expect(endpoint.names()).toEqual(['track_unpublished', 'participant_left', 'room_finished']);
    const deliveries = (await (await fetch(`${fakeUrl}/__fake/webhooks`)).json()) as {
      deliveries: { status: number }[];
    };
    expect(deliveries.deliveries.every((d) => d.status === 200)).toBe(true);
    expect(deliveries.deliveries).toHaveLength(10);
    expect((await post('rooms/nobody/finish')).status).toBe(404);
  });

  describe('verification', () => {
    const signed = () =>
      fake.webhooks.sign({ event: 'room_started', room: { sid: 'RM_1', name: 'alice' } });

    async function rejection(
      body: string,
      auth: string | undefined,
    ): Promise<WebhookVerificationError> {
      const err: unknown = await livekit.receiveWebhook(body, auth).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WebhookVerificationError);
      return err as WebhookVerificationError;
    }

    it('accepts the exact body and header LiveKit sends (and tolerates a Bearer prefix)', async () => {
      const { body, authorization } = signed();
      await expect(livekit.receiveWebhook(body, authorization)).resolves.toMatchObject({
        event: 'room_started',
        room: { name: 'alice' },
      });
      await expect(livekit.receiveWebhook(body, `Bearer ${authorization}`)).resolves.toMatchObject({
        event: 'room_started',
      });
    });

    it('rejects a tampered body', async () => {
      const { body, authorization } = signed();
      const err = await rejection(body.replace('alice', 'mallory'), authorization);
      expect(err.reason).toBe('body_mismatch');
      expect(err.kind).toBe('rejected');
    });

    it('rejects a token signed with another secret', async () => {
      const { body } = signed();
      const now = Math.floor(Date.now() / 1000);
      const forged = signHs256(
        { iss: API_KEY, nbf: now, exp: now + 300, sha256: bodySha256(body) },
        'someone-elses-secret-0123456789abcdef',
      );
      expect((await rejection(body, forged)).reason).toBe('bad_signature');
    });

    it('rejects a token from another API key, and an expired token', async () => {
      const { body } = signed();
      const now = Math.floor(Date.now() / 1000);
      const otherKey = signHs256(
        { iss: 'APIother', nbf: now, exp: now + 300, sha256: bodySha256(body) },
        API_SECRET,
      );
      const expired = signHs256(
        { iss: API_KEY, nbf: now - 900, exp: now - 600, sha256: bodySha256(body) },
        API_SECRET,
      );
      expect((await rejection(body, otherKey)).reason).toBe('bad_signature');
      expect((await rejection(body, expired)).reason).toBe('bad_signature');
    });

    it('rejects a missing or empty Authorization header as missing_signature', async () => {
      const { body } = signed();
      expect((await rejection(body, undefined)).reason).toBe('missing_signature');
      expect((await rejection(body, '')).reason).toBe('missing_signature');
      expect((await rejection(body, 'Bearer ')).reason).toBe('missing_signature');
    });

    it('rejects a correctly signed body that is not a WebhookEvent as malformed', async () => {
      const body = 'not json';
      const now = Math.floor(Date.now() / 1000);
      const auth = signHs256(
        { iss: API_KEY, nbf: now, exp: now + 300, sha256: bodySha256(body) },
        API_SECRET,
      );
      expect((await rejection(body, auth)).reason).toBe('malformed');
    });

    it('reports events it does not know as unknown, keeping the name', async () => {
      const { body, authorization } = fake.webhooks.sign({
        event: 'participant_connection_aborted',
      });
      await expect(livekit.receiveWebhook(body, authorization)).resolves.toMatchObject({
        event: 'unknown',
        rawEvent: 'participant_connection_aborted',
      });
    });
  });
});
