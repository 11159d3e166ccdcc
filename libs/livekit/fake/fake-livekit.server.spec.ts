import { AccessToken } from 'livekit-server-sdk';
import { signHs256 } from './fake-jwt';
import { FakeLiveKitServer } from './fake-livekit.server';

/** The fake's wire protocol, checked without the SDK in the way. */
describe(FakeLiveKitServer.name, () => {
  const fake = new FakeLiveKitServer({
    apiKey: 'APIwire',
    apiSecret: 'wire-spec-secret-0123456789abcdef',
  });
  let url: string;

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  function token(video: Record<string, unknown>, secret = fake.apiSecret): string {
    const now = Math.floor(Date.now() / 1000);
    return signHs256({ iss: fake.apiKey, nbf: now, exp: now + 60, video }, secret);
  }

  async function twirp(method: string, body: unknown, auth?: string) {
    const res = await fetch(`${url}/twirp/livekit.${method}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      json: (await res.json()) as Record<string, unknown>,
    };
  }

  it('accepts a token minted by the SDK and answers with proto (snake_case) field names', async () => {
    const at = new AccessToken(fake.apiKey, fake.apiSecret, { ttl: 60 });
    at.addGrant({ roomCreate: true });
    const res = await twirp(
      'RoomService/CreateRoom',
      { name: 'alice', emptyTimeout: 30 },
      await at.toJwt(),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'alice', empty_timeout: 30, num_participants: 0 });
    expect(typeof res.json.creation_time).toBe('string');
  });

  it('reads requests by proto name as well as by JSON name', async () => {
    await fake.simulatePublish('alice', 'alice');
    const auth = token({ roomRecord: true });
    const urls = ['rtmp://a.rtmp.youtube.com/live2/abcdefghijkl'];
    const snake = await twirp(
      'Egress/StartRoomCompositeEgress',
      { room_name: 'alice', stream_outputs: [{ protocol: 'RTMP', urls }] },
      auth,
    );
    const camel = await twirp(
      'Egress/StartRoomCompositeEgress',
      { roomName: 'alice', streamOutputs: [{ protocol: 'RTMP', urls }] },
      auth,
    );
    expect([snake.status, camel.status]).toEqual([200, 200]);
    expect(snake.json).toMatchObject({ room_name: 'alice', status: 'EGRESS_STARTING' });
    expect((snake.json.stream_results as { url: string }[])[0].url).toBe(
      'rtmp://a.rtmp.youtube.com/live2/{abc...jkl}',
    );
  });

  it('answers errors in Twirp shape with the matching HTTP status and exact JSON content type', async () => {
    const res = await twirp(
      'Egress/StopEgress',
      { egress_id: 'EG_nope' },
      token({ roomRecord: true }),
    );
    expect(res).toEqual({
      status: 404,
      type: 'application/json',
      json: { code: 'not_found', msg: expect.any(String) },
    });
    const bad = await twirp(
      'Egress/StartRoomCompositeEgress',
      { room_name: 'x' },
      token({ roomRecord: true }),
    );
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('invalid_argument');
    const route = await twirp('Egress/Nope', {}, token({ roomRecord: true }));
    expect([route.status, route.json.code]).toEqual([404, 'bad_route']);
  });

  it('requires a valid bearer token with the grant each method needs', async () => {
    expect((await twirp('Egress/ListEgress', {})).json.code).toBe('unauthenticated');
    const forged = await twirp(
      'Egress/ListEgress',
      {},
      token({ roomRecord: true }, 'other-secret-0123456789abcdef'),
    );
    expect([forged.status, forged.json.code]).toEqual([401, 'unauthenticated']);
    const noGrant = await twirp('Egress/ListEgress', {}, token({ roomCreate: true }));
    expect([noGrant.status, noGrant.json.code]).toEqual([403, 'permission_denied']);
    await fake.simulatePublish('alice', 'alice');
    const otherRoom = await twirp(
      'RoomService/ListParticipants',
      { room: 'alice' },
      token({ roomAdmin: true, room: 'bob' }),
    );
    expect(otherRoom.status).toBe(403);
    const ok = await twirp(
      'RoomService/ListParticipants',
      { room: 'alice' },
      token({ roomAdmin: true, room: 'alice' }),
    );
    expect(ok.status).toBe(200);
  });

  it('injects faults over HTTP for other processes: code, count, then back to normal', async () => {
    const set = await fetch(`${url}/__fake/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'Egress/ListEgress', code: 'unavailable', times: 1 }),
    });
    expect(set.status).toBe(200);
    const auth = token({ roomRecord: true });
    expect((await twirp('Egress/ListEgress', {}, auth)).status).toBe(503);
    expect((await twirp('Egress/ListEgress', {}, auth)).json).toEqual({ items: [] });
  });
});
