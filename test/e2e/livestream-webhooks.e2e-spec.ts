import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import {
  bodySha256,
  signHs256,
  WebhookSender,
  type FakeLiveKitServer,
} from '../../libs/livekit/fake';
import { asUser, livekitEnv, routeLiveKitWebhooks, startLiveKitFake } from '../helpers/livekit';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

describe('POST /webhooks/livekit is verified over the raw body', () => {
  let cloudflare: CloudflareFake;
  let livekit: FakeLiveKitServer;
  let t: TestApp;
  // wendy has gone live but is not in her room: only a webhook could make her ready.
  const published = {
    event: 'track_published',
    room: { sid: 'RM_wendy', name: 'wendy' },
    participant: { sid: 'PA_wendy', identity: 'wendy', state: 'ACTIVE' },
    track: { sid: 'TR_cam', type: 'VIDEO', source: 'CAMERA', name: 'camera' },
  };

  beforeAll(async () => {
    cloudflare = await createCloudflareFake({ port: 0 });
    livekit = await startLiveKitFake();
    // No polling noise: the webhook is the only thing that may change the session here.
    t = await createTestApp(
      { ...livekitEnv(livekit), CLOUDFLARE_POLL_FAST: '1h', CLOUDFLARE_POLL_SLOW: '1h' },
      cloudflare,
    );
    routeLiveKitWebhooks(livekit, t);
    const wendy = await asUser(t, 'wendy');
    await wendy.post('/api/stream/setup', { title: 'Wendy' }).expect(200);
    await wendy.post('/api/stream/go-live').expect(200);
  });
  afterAll(async () => {
    await t.close();
    await livekit.close();
    await cloudflare.close();
  });

  const post = (body: string, authorization?: string) => {
    const req = t.http().post('/webhooks/livekit').set('Content-Type', 'application/webhook+json');
    return (authorization === undefined ? req : req.set('Authorization', authorization)).send(body);
  };
  const session = async () =>
    (await (await asUser(t, 'wendy')).get('/api/session').expect(200)).body;

  it('answers 401 to a bad signature, a tampered body or no header, and changes nothing', async () => {
    const before = await session();
    expect(before.state).toBe('offline');

    const forger = new WebhookSender({
      apiKey: livekit.apiKey,
      apiSecret: 'not-the-secret-0123456789',
    });
    const forged = forger.sign(published);
    const badSig = await post(forged.body, forged.authorization).expect(401);
    expect(badSig.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');

    const genuine = livekit.webhooks.sign(published);
    const tampered = genuine.body.replace('"wendy"', '"walter"');
    expect(tampered).not.toBe(genuine.body);
    expect((await post(tampered, genuine.authorization).expect(401)).body.code).toBe(
      'WEBHOOK_SIGNATURE_INVALID',
    );
    expect((await post(genuine.body).expect(401)).body.code).toBe('WEBHOOK_SIGNATURE_INVALID');

    const after = await session();
    expect(after).toMatchObject({ state: before.state, input: { status: before.input.status } });
    expect(after.stateSince).toBe(before.stateSince);

    // Now wendy really publishes (unannounced), and the genuine event is accepted: the
    // refusals above mattered. (Any state change makes the actor re-read LiveKit's truth.)
    livekit.setWebhookUrl(undefined);
    livekit.state.join('wendy', 'wendy');
    livekit.state.publish('wendy', 'wendy', 'CAMERA');
    await livekit.flushWebhooks();
    routeLiveKitWebhooks(livekit, t);
    const ok = await post(genuine.body, genuine.authorization).expect(200);
    expect(ok.body).toEqual({ accepted: true });
    await waitFor(async () => (await session()).state === 'ready', 'ready after a genuine webhook');
  });

  it('answers 400 WEBHOOK_MALFORMED to a signed body that is not an event', async () => {
    const body = 'this is not json';
    const seconds = Math.floor(Date.now() / 1000);
    const authorization = signHs256(
      { iss: livekit.apiKey, nbf: seconds, exp: seconds + 60, sha256: bodySha256(body) },
      livekit.apiSecret,
    );
    expect((await post(body, authorization).expect(400)).body.code).toBe('WEBHOOK_MALFORMED');
  });

  it('ignores, with 200, events about people who are not the room creator', async () => {
    const viewer = livekit.webhooks.sign({
      ...published,
      participant: { sid: 'PA_v', identity: 'vera', state: 'ACTIVE' },
    });
    expect((await post(viewer.body, viewer.authorization).expect(200)).body).toEqual({
      accepted: false,
    });
  });
});
