import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { createTestApp, TestApp, TEST_JWT_SECRET } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { CrashStreamer } from './crash-streamer';
import { PathFaultProxy } from './path-fault-proxy';
import { SessionApi } from './session-api';

/**
 * Two streamers on one service; the provider fails every call about one streamer's input.
 * The other's state, outputs and transition log must not change, and its commands must work.
 */
describe('A provider fault on one user never reaches another', () => {
  let fake: CloudflareFake;
  let proxy: PathFaultProxy;
  let t: TestApp;
  let alice: CrashStreamer;
  let bob: CrashStreamer;

  beforeAll(async () => {
    fake = await createCloudflareFake({ port: 0 });
    proxy = new PathFaultProxy(fake.origin);
    await proxy.listen();
    t = await createTestApp(
      {
        CLOUDFLARE_BASE_URL: `${proxy.url}/client/v4`,
        CLEANUP_RETRY_BASE: '100ms',
        RECONCILE_INTERVAL: '1h',
      },
      fake,
    );
    const streamer = (userId: string) =>
      new CrashStreamer(new SessionApi(() => t.baseUrl, TEST_JWT_SECRET, userId), fake, [
        'twitch',
        'youtube',
      ]);
    alice = streamer('iso-alice');
    bob = streamer('iso-bob');
    for (const s of [alice, bob]) {
      await s.prepare();
      await s.api.expect(202, 'POST', '/api/session/start', { platforms: s.platforms });
      s.starts.push((await s.settle()).broadcast?.id ?? null);
    }
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await fake?.close();
  });

  it("keeps Bob live and untouched while every call about Alice's input fails", async () => {
    const bobOutputs = fake.outputsOf(bob.inputId).map((o) => o.uid);
    const bobLog = await bob.api.transitions();
    proxy.block(alice.inputId);
    await alice.api.expect(202, 'POST', '/api/session/stop');
    // Alice cannot clean up: she keeps retrying in ending.
    await waitFor(
      async () => proxy.failed >= 3 && (await alice.api.view()).state === 'ending',
      'Alice retrying',
    );
    const bobNow = await bob.api.view();
    expect(bobNow).toMatchObject({ state: 'streaming', substate: 'live' });
    expect(bobNow.failed).toBeUndefined();
    expect(fake.outputsOf(bob.inputId).map((o) => o.uid)).toEqual(bobOutputs);
    expect(await bob.api.transitions()).toEqual(bobLog);
  });

  it("lets Bob stop and go live again while Alice's input is still failing", async () => {
    // Five consecutive failures: as many as open the Cloudflare circuit breaker.
    await waitFor(() => proxy.failed >= 5, 'Alice to have failed repeatedly');
    // Bob's provider is healthy: nothing about Alice's input may degrade his session.
    expect((await bob.api.view()).health).toEqual({ degraded: false, reasons: [] });
    await bob.api.expect(202, 'POST', '/api/session/stop');
    expect((await bob.settle()).state).toBe('ready');
    expect(fake.outputsOf(bob.inputId)).toEqual([]);
    await bob.api.expect(202, 'POST', '/api/session/start', { platforms: bob.platforms });
    const live = await bob.settle();
    bob.starts.push(live.broadcast?.id ?? null);
    expect(live.state).toBe('streaming');
    expect(await bob.problems(live)).toEqual([]);
  });

  it('lets Alice finish once her input answers again, with nothing left behind', async () => {
    proxy.unblock(alice.inputId);
    const v = await alice.settle(40_000);
    expect(v.state).toBe('ready');
    expect(await alice.problems(v)).toEqual([]);
  });
});
