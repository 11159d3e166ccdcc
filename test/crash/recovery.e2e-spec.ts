import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import type { CloudflareRoute } from '../../libs/cloudflare/cloudflare-routes';
import { SessionRegistry } from '../../src/sessions/session-registry';
import { createTestDatabase } from '../helpers/database';
import { createTestApp, TestApp, TEST_JWT_SECRET } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { CrashStreamer } from './crash-streamer';
import { SessionApi } from './session-api';

interface OpsItem {
  userId: string;
  state: string;
  resident: boolean;
  lastReconciledAt: string | null;
}

/**
 * A restart brings every session back from its stored state at once, then checks each one
 * against Cloudflare within its share of the account budget. Polling and the output
 * manager's verification are pushed out to an hour, so every Cloudflare call counted here
 * is the recovery's own.
 */
describe('Recovery: resident from the stored state, then verified within the budget', () => {
  const quiet = {
    CLOUDFLARE_POLL_FAST: '1h',
    CLOUDFLARE_POLL_SLOW: '1h',
    RECONCILE_INTERVAL: '1h',
  };
  let fake: CloudflareFake;
  let databaseUrl: string;
  let t: TestApp | undefined;
  let streamers: CrashStreamer[];

  const start = async (env: Record<string, string> = {}) => {
    t = await createTestApp({ DATABASE_URL: databaseUrl, ...quiet, ...env }, fake);
  };
  const restart = async (env: Record<string, string> = {}) => {
    await t?.close();
    t = undefined;
    const counted = fake.requestCounts();
    const restartedAt = Date.now();
    await start(env);
    const since = (route: CloudflareRoute) => fake.requestCount(route) - (counted[route] ?? 0);
    return { restartedAt, since };
  };
  /** The sessions_unverified gauge: resumed sessions not checked against Cloudflare yet. */
  const unverified = async (): Promise<number> => {
    const text = (await t!.http().get('/metrics')).text;
    return Number(/^sessions_unverified (\S+)$/m.exec(text)?.[1] ?? NaN);
  };
  const opsList = async (): Promise<OpsItem[]> => {
    const token = await t!.token('ops1', 'ops');
    const res = await t!.http().get('/api/ops/sessions').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return res.body as OpsItem[];
  };

  beforeAll(async () => {
    fake = await createCloudflareFake({ port: 0 });
    databaseUrl = await createTestDatabase();
    await start();
    streamers = Array.from(
      { length: 6 },
      (_, i) =>
        new CrashStreamer(new SessionApi(() => t!.baseUrl, TEST_JWT_SECRET, `rec-${i}`), fake, [
          'twitch',
        ]),
    );
    for (const s of streamers) await s.prepare();
    const live = streamers[5];
    await live.api.expect(202, 'POST', '/api/session/start', { platforms: live.platforms });
    expect((await live.settle()).state).toBe('streaming');
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('resumes every session, moves the one whose encoder left while down, and lists no outputs needlessly', async () => {
    const gone = streamers[0];
    const liveOutputs = fake.outputsOf(streamers[5].inputId).map((o) => o.uid);
    await t!.close();
    t = undefined;
    // The encoder stops while the service is down: no webhook reaches anyone.
    await fake.setStatus(gone.inputId, 'client_disconnect', { notify: false });
    const { restartedAt, since } = await restart();

    await waitFor(async () => (await gone.api.view()).state === 'offline', 'rec-0 offline');
    const items = await waitFor(async () => {
      const list = (await opsList()).filter((i) => i.userId.startsWith('rec-'));
      return (
        list.length === 6 &&
        list.every((i) => i.lastReconciledAt && Date.parse(i.lastReconciledAt) >= restartedAt) &&
        list
      );
    }, 'every session verified since the restart');
    const states = Object.fromEntries(items.map((i) => [i.userId, i.state]));
    expect(states).toEqual({
      'rec-0': 'offline',
      'rec-1': 'ready',
      'rec-2': 'ready',
      'rec-3': 'ready',
      'rec-4': 'ready',
      'rec-5': 'streaming',
    });
    expect(items.filter((i) => i.userId !== 'rec-0').every((i) => i.resident)).toBe(true);
    // One status read per session; no output listing for sessions that never had outputs
    // (the streaming one keeps its outputs, untouched).
    expect(since('live_inputs.get')).toBe(6);
    expect(since('outputs.list')).toBe(0);
    expect(fake.outputsOf(streamers[5].inputId).map((o) => o.uid)).toEqual(liveOutputs);
    const log = await gone.api.transitions();
    expect(log.at(-1)).toMatchObject({ from: 'ready', to: 'offline' });
  });

  it('spends at most half of a small Cloudflare budget on verification and keeps the rest resident', async () => {
    await fake.setStatus(streamers[0].inputId, 'connected', { notify: false });
    const { restartedAt, since } = await restart({ CLOUDFLARE_API_BUDGET: '6' });
    const items = await waitFor(async () => {
      const list = (await opsList()).filter((i) => i.userId.startsWith('rec-'));
      return list.filter((i) => i.resident).length === 6 && list;
    }, 'every session resident');
    await waitFor(async () => (await unverified()) === 0, 'verification to finish');
    expect(since('live_inputs.get')).toBe(3);
    const verified = (await opsList()).filter(
      (i) =>
        i.userId.startsWith('rec-') &&
        i.lastReconciledAt !== null &&
        Date.parse(i.lastReconciledAt) >= restartedAt,
    );
    expect(verified).toHaveLength(3);
    // The first ones verified are those with the most at stake: the live session first.
    expect(verified.map((i) => i.userId)).toContain('rec-5');
    expect(items.find((i) => i.userId === 'rec-5')?.state).toBe('streaming');
  });

  it('believes a missing input only from a fresh read: a rotation during verification re-provisions nothing', async () => {
    const s = streamers[3];
    const inputsOf = () =>
      [...fake.state.inputs.values()].filter((i) => i.meta.userId === s.userId).map((i) => i.uid);
    const [before] = inputsOf();
    // Verification reads are slow, so the rotation lands between the batch's read of the
    // ingest row and Cloudflare's answer about the old input (which is gone by then).
    fake.injectFault({ route: 'live_inputs.get', latencyMs: 1000, times: 10 });
    const { restartedAt } = await restart();
    await waitFor(
      () =>
        fake.requests.some(
          (r) =>
            r.route === 'live_inputs.get' && r.path.endsWith(`/${before}`) && r.at >= restartedAt,
        ),
      'the verification read of the old input',
    );
    await s.api.expect(200, 'POST', '/api/ingest/rotate');
    const rotated = inputsOf();
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).not.toBe(before);
    await waitFor(async () => (await unverified()) === 0, 'verification to finish');
    // A re-provisioning would follow the verification within milliseconds (it is what the
    // stale "missing" used to trigger): give it well over that, then check none happened.
    const created = () => fake.requestCount('live_inputs.create');
    const createdBefore = created();
    await expect(
      waitFor(() => created() > createdBefore, 'a re-provisioning', 1500),
    ).rejects.toThrow(/Timed out/);
    expect(inputsOf()).toEqual(rotated);
  });

  it('gives a request that arrives during an ops restart the new actor, not a second one', async () => {
    const registry = t!.app.get(SessionRegistry);
    const old = await registry.get('rec-2');
    // The restart's reconcile read is slow: the old actor is gone and the new one not there yet.
    fake.injectFault({ route: 'live_inputs.get', latencyMs: 500, times: 1 });
    const restarting = registry.restart('rec-2');
    await waitFor(() => registry.peek('rec-2') === undefined, 'the old actor stopped');
    const during = registry.get('rec-2');
    const [restarted, got] = await Promise.all([restarting, during]);
    expect(restarted).not.toBe(old);
    expect(got).toBe(restarted);
    expect(registry.peek('rec-2')).toBe(restarted);
    expect(restarted.stopped).toBe(false);
  });
});
