import { createActor, SimulatedClock } from 'xstate';
import type { Platform } from '../../platforms/platform';
import { createSessionMachine, SessionDeps, StartOutputsResult } from './session.machine';
import type { InputObservation } from './input-status';

const GRACE = 5 * 60_000;
const started: { stop: () => void }[] = [];
afterEach(() => started.splice(0).forEach((a) => a.stop()));

function setupSession(overrides: Partial<SessionDeps> = {}) {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  let startResult: StartOutputsResult = { active: ['twitch'], failed: [] };
  let cleanupFailures = 0;
  const deps: SessionDeps = {
    now: () => clock.now(),
    graceMs: GRACE,
    cleanupRetryBaseMs: 1000,
    cleanupRetryMaxMs: 30_000,
    supervisor: {
      maxRestarts: 3,
      windowMs: 5000,
      backoffMs: 100,
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (id) => clock.clearTimeout(id as number),
    },
    startOutputs: async (a) => {
      calls.push(`start:${a.platforms.join(',')}`);
      return startResult;
    },
    cleanup: async (a) => {
      calls.push(`cleanup:${a.reason}`);
      if (cleanupFailures > 0) {
        cleanupFailures -= 1;
        throw new Error('provider down');
      }
    },
    pollInput: async () => ({ status: null, at: new Date().toISOString(), source: 'cloudflare' }),
    pollDelayMs: () => null,
    runOutputManager: (_a, signal) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    runPlatformMonitor: (_a, signal) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    childStatus: () => undefined,
    platformFailed: () => undefined,
    ...overrides,
  };
  const machine = createSessionMachine(deps);
  const actor = createActor(machine, { input: { userId: 'u1' }, clock });
  const transitions: string[] = [];
  let last = 'offline';
  actor.subscribe((s) => {
    const top = typeof s.value === 'string' ? s.value : Object.keys(s.value)[0];
    if (top !== last) {
      transitions.push(`${last}->${top}:${s.context.change.reason}`);
      last = top;
    }
  });
  actor.start();
  started.push(actor);
  const input = (status: string | null, extra: Partial<InputObservation> = {}) =>
    actor.send({
      type: 'INPUT',
      observation: {
        status,
        at: new Date(clock.now()).toISOString(),
        source: 'cloudflare',
        ...extra,
      },
    });
  const start = (platforms: Platform[] = ['twitch']) =>
    actor.send({
      type: 'START',
      broadcastId: '00000000-0000-4000-8000-000000000001',
      platforms,
      title: 'T',
      by: 'user',
    });
  const flush = () => new Promise((r) => setImmediate(r));
  return {
    actor,
    clock,
    calls,
    transitions,
    input,
    start,
    flush,
    setStartResult: (r: StartOutputsResult) => (startResult = r),
    failCleanup: (n: number) => (cleanupFailures = n),
    value: () => actor.getSnapshot().value,
  };
}

describe('session machine', () => {
  it('goes offline → ready on a connected input, and back when it goes away before Start', () => {
    const s = setupSession();
    s.input('connected');
    expect(s.value()).toEqual({ ready: 'idle' });
    s.input('client_disconnect');
    expect(s.value()).toBe('offline');
    expect(s.transitions).toEqual([
      'offline->ready:input-connected',
      'ready->offline:input-disconnected',
    ]);
  });

  it('counts reconnected as live, in both status forms normalised by the adapter', () => {
    const s = setupSession();
    s.input('reconnected');
    expect(s.value()).toEqual({ ready: 'idle' });
  });

  it('treats reconnecting as wobbling, not lost', () => {
    const s = setupSession();
    s.input('connected');
    s.input('reconnecting');
    expect(s.value()).toEqual({ ready: 'idle' });
  });

  it('never treats a missing input (404) as offline', () => {
    const emitted: string[] = [];
    const s = setupSession();
    s.actor.on('input-missing', () => emitted.push('missing'));
    s.input('connected');
    s.input(null, { missing: true });
    expect(s.value()).toEqual({ ready: 'idle' });
    expect(emitted).toEqual(['missing']);
  });

  it('ready → streaming on Start when a platform output becomes active', async () => {
    const s = setupSession();
    s.input('connected');
    s.start(['twitch', 'youtube']);
    expect(s.value()).toEqual({ ready: 'starting' });
    await s.flush();
    expect(s.value()).toEqual({ streaming: 'live' });
    expect(s.calls).toEqual(['start:twitch,youtube']);
    expect(s.actor.getSnapshot().context.broadcastId).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('returns to ready with nothing kept when every platform fails at Start', async () => {
    const s = setupSession();
    s.setStartResult({ active: [], failed: [{ platform: 'twitch', error: 'rejected' }] });
    s.input('connected');
    s.start();
    await s.flush();
    expect(s.value()).toEqual({ ready: 'idle' });
    const ctx = s.actor.getSnapshot().context;
    expect(ctx.broadcastId).toBeNull();
    expect(ctx.lastError).toBe('twitch: rejected');
    expect(s.transitions).toEqual(['offline->ready:input-connected']);
  });

  it('ends the stream when the grace period runs out', async () => {
    const s = setupSession();
    s.input('connected');
    s.start();
    await s.flush();
    s.input('client_disconnect');
    expect(s.value()).toEqual({ streaming: 'inputLost' });
    expect(s.actor.getSnapshot().context.graceEndsAt).toBe(s.clock.now() + GRACE);
    s.clock.increment(GRACE - 1);
    expect(s.value()).toEqual({ streaming: 'inputLost' });
    s.clock.increment(1);
    expect(s.value()).toEqual({ ending: 'cleaning' });
    await s.flush();
    expect(s.value()).toBe('offline');
    expect(s.calls).toContain('cleanup:disconnect-timeout');
    expect(s.transitions).toEqual([
      'offline->ready:input-connected',
      'ready->streaming:start',
      'streaming->ending:disconnect-timeout',
      'ending->offline:cleanup-complete',
    ]);
  });

  it('cancels the grace timer when the encoder comes back inside it (the reference implementation did not)', async () => {
    const s = setupSession();
    s.input('connected');
    s.start();
    await s.flush();
    s.input('client_disconnect');
    s.clock.increment(GRACE - 1000);
    s.input('reconnected');
    expect(s.value()).toEqual({ streaming: 'live' });
    expect(s.actor.getSnapshot().context.graceEndsAt).toBeNull();
    // Long past the old deadline: the old timer must not fire.
    s.clock.increment(GRACE * 3);
    expect(s.value()).toEqual({ streaming: 'live' });
    // A second loss starts a fresh, full grace period.
    s.input('client_disconnect');
    s.clock.increment(GRACE - 1);
    expect(s.value()).toEqual({ streaming: 'inputLost' });
  });

  it('resumes a stored grace deadline instead of restarting it', () => {
    const s = setupSession();
    const deadline = s.clock.now() + 1000;
    const machine = createSessionMachine({
      ...({} as SessionDeps),
      ...{
        now: () => s.clock.now(),
        graceMs: GRACE,
        cleanupRetryBaseMs: 1000,
        cleanupRetryMaxMs: 1000,
        supervisor: {
          maxRestarts: 3,
          windowMs: 5000,
          backoffMs: 1,
          setTimeout: (fn, ms) => s.clock.setTimeout(fn, ms),
          clearTimeout: (id) => s.clock.clearTimeout(id as number),
        },
        startOutputs: async () => ({ active: [], failed: [] }),
        cleanup: () => new Promise<void>(() => undefined),
        pollInput: async () => ({ status: null, at: '', source: 'cloudflare' }),
        pollDelayMs: () => null,
        runOutputManager: () => new Promise<void>(() => undefined),
        runPlatformMonitor: () => new Promise<void>(() => undefined),
        childStatus: () => undefined,
        platformFailed: () => undefined,
      },
    });
    const actor = createActor(machine, {
      input: { userId: 'u1', broadcastId: 'b', platforms: ['twitch'], graceEndsAt: deadline },
      clock: s.clock,
    }).start();
    started.push(actor);
    actor.send({ type: 'RESUME', to: 'streaming.inputLost' });
    expect(actor.getSnapshot().context.graceEndsAt).toBe(deadline);
    s.clock.increment(999);
    expect(actor.getSnapshot().value).toEqual({ streaming: 'inputLost' });
    s.clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ ending: 'cleaning' });
  });

  it.each([
    ['STOP', 'user', 'stop'],
    ['FORCE_STOP', 'ops', 'force-stop'],
  ] as const)(
    'streaming → ending on %s, then offline once cleanup succeeds',
    async (type, by, reason) => {
      const s = setupSession();
      s.input('connected');
      s.start();
      await s.flush();
      s.input('client_disconnect');
      s.actor.send({ type, by });
      expect(s.value()).toEqual({ ending: 'cleaning' });
      expect(s.actor.getSnapshot().context.change).toEqual({ reason, by });
      await s.flush();
      expect(s.value()).toBe('offline');
    },
  );

  it('goes back to ready after ending when the encoder is still connected', async () => {
    const s = setupSession();
    s.input('connected');
    s.start();
    await s.flush();
    s.actor.send({ type: 'STOP', by: 'user' });
    await s.flush();
    expect(s.value()).toEqual({ ready: 'idle' });
  });

  it('retries cleanup with back-off until the provider answers', async () => {
    const s = setupSession();
    s.failCleanup(2);
    s.input('connected');
    s.start();
    await s.flush();
    s.actor.send({ type: 'STOP', by: 'user' });
    await s.flush();
    expect(s.value()).toEqual({ ending: 'retrying' });
    s.clock.increment(999);
    expect(s.calls.filter((c) => c.startsWith('cleanup'))).toHaveLength(1);
    s.clock.increment(1);
    await s.flush();
    expect(s.value()).toEqual({ ending: 'retrying' });
    s.clock.increment(2000); // doubled
    await s.flush();
    expect(s.calls.filter((c) => c.startsWith('cleanup'))).toHaveLength(3);
    expect(s.value()).toEqual({ ready: 'idle' });
  });

  it('ignores commands that are illegal in the current state', () => {
    const s = setupSession();
    s.actor.send({ type: 'STOP', by: 'user' });
    s.start();
    expect(s.value()).toBe('offline');
    expect(s.calls).toEqual([]);
  });

  it('escalates when a child exceeds its restart intensity', async () => {
    const escalations: string[] = [];
    let runs = 0;
    const s = setupSession({
      pollDelayMs: () => 10,
      pollInput: async () => {
        runs += 1;
        throw new Error('boom');
      },
    });
    s.actor.on('escalate', (e) => escalations.push(`${e.child}:${e.error}`));
    for (let i = 0; i < 200 && escalations.length === 0; i++) {
      s.clock.increment(50);
      await s.flush();
    }
    expect(runs).toBe(4); // first run + 3 restarts
    expect(escalations).toEqual(['inputMonitor:boom']);
  });

  it('isolates a failing platform monitor from the others', async () => {
    const failed: string[] = [];
    const running = new Set<string>();
    const s = setupSession({
      runPlatformMonitor: async ({ platform }, signal) => {
        if (platform === 'kick') throw new Error('kick down');
        running.add(platform);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        running.delete(platform);
      },
      platformFailed: (_u, platform, error) => failed.push(`${platform}:${error}`),
    });
    const escalations: string[] = [];
    s.actor.on('escalate', (e) => escalations.push(e.child));
    s.setStartResult({ active: ['twitch', 'kick'], failed: [] });
    s.input('connected');
    s.start(['twitch', 'kick']);
    await s.flush();
    for (let i = 0; i < 20 && failed.length === 0; i++) {
      s.clock.increment(1000);
      await s.flush();
    }
    expect(failed).toEqual(['kick:kick down']);
    expect(running.has('twitch')).toBe(true);
    expect(escalations).toEqual([]);
    expect(s.value()).toEqual({ streaming: 'live' });
    s.actor.send({ type: 'STOP', by: 'user' });
    await s.flush();
    expect(running.size).toBe(0); // monitors stopped on ending
  });
});
