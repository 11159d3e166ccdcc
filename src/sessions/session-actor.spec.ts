import { createSessionMachine, SessionDeps } from './machine/session.machine';
import { SessionActor } from './session-actor';
import type { SessionEntity } from './entities/session.entity';
import type { TransitionRecord } from './session.store';

const never = () => new Promise<void>(() => undefined);

function deps(): SessionDeps {
  return {
    now: () => Date.now(),
    graceMs: 60_000,
    cleanupRetryBaseMs: 1000,
    cleanupRetryMaxMs: 1000,
    supervisor: { maxRestarts: 3, windowMs: 5000, backoffMs: 10 },
    startOutputs: async () => ({ active: [], failed: [] }),
    cleanup: async () => undefined,
    pollInput: async () => ({ status: null, at: new Date().toISOString(), source: 'cloudflare' }),
    pollDelayMs: () => null,
    runOutputManager: never,
    runPlatformMonitor: never,
    childStatus: () => undefined,
    platformFailed: () => undefined,
  };
}

const row = (): SessionEntity =>
  ({
    userId: 'u1',
    state: 'offline',
    substate: null,
    stateSince: new Date(0),
    active: true,
    ownerNode: 'n',
    ownerEpoch: '1',
    version: 0,
  }) as SessionEntity;

describe(SessionActor.name, () => {
  it('keeps writing after a drain that found nothing to write (a stale in-flight flag once blocked every later write)', async () => {
    const written: string[] = [];
    const actor = new SessionActor(
      'u1',
      row(),
      createSessionMachine(deps()),
      { userId: 'u1' },
      {
        persist: async (r: SessionEntity, t?: TransitionRecord) =>
          void written.push(`${r.state}${t ? `:${t.from}->${t.to}` : ''}`),
        fenced: () => undefined,
        transitioned: () => undefined,
        changed: () => undefined,
        escalate: () => undefined,
        inputMissing: () => undefined,
      },
      'n',
    );
    await (actor as unknown as { drain(): Promise<void> }).drain(); // nothing queued yet
    actor.start();
    actor.send({
      type: 'INPUT',
      observation: { status: 'connected', at: new Date().toISOString(), source: 'cloudflare' },
    });
    await actor.flush(2000);
    expect(written).toContain('ready:offline->ready');
    expect(actor.unsavedWrites).toBe(0);
    await actor.stop();
  });

  it('reports the state of every snapshot: before start, the one a resume lands in, and each change', async () => {
    const hooks = {
      persist: async () => undefined,
      fenced: () => undefined,
      transitioned: () => undefined,
      changed: () => undefined,
      escalate: () => undefined,
      inputMissing: () => undefined,
    };
    const actor = new SessionActor(
      'u1',
      { ...row(), state: 'streaming', broadcastId: 'b1' },
      createSessionMachine(deps()),
      {
        userId: 'u1',
        broadcastId: 'b1',
        input: { status: 'connected', live: true, gone: false, at: null },
      },
      hooks,
      'n',
    );
    const seen = () => [actor.state, actor.substate];
    const truth = () => {
      const v = actor.snapshot.value;
      const top = typeof v === 'string' ? v : Object.keys(v)[0];
      const inner = typeof v === 'string' ? null : Object.values(v)[0];
      return [top, typeof inner === 'string' ? inner : null];
    };
    try {
      expect(seen()).toEqual(['offline', null]);
      actor.start('streaming.live');
      expect(seen()).toEqual(['streaming', 'live']);
      expect(seen()).toEqual(truth());
      actor.send({
        type: 'INPUT',
        observation: {
          status: 'client_disconnect',
          at: new Date().toISOString(),
          source: 'cloudflare',
        },
      });
      expect(seen()).toEqual(['streaming', 'inputLost']);
      expect(seen()).toEqual(truth());
      actor.send({ type: 'STOP', by: 'user', reason: 'test' });
      expect(seen()[0]).toBe('ending');
      expect(seen()).toEqual(truth());
    } finally {
      await actor.stop();
    }
  });

  it('tells dashboards about a transition only once it is in the log, also after a database outage', async () => {
    const events: string[] = [];
    let fail = false;
    let open: () => void = () => undefined;
    let gate = Promise.resolve();
    const hold = () => (gate = new Promise<void>((r) => (open = r)));
    const actor = new SessionActor(
      'u1',
      row(),
      createSessionMachine(deps()),
      { userId: 'u1' },
      {
        persist: async (_r: SessionEntity, t?: TransitionRecord) => {
          if (fail) throw new Error('connect ECONNREFUSED');
          await gate;
          if (t) events.push(`logged ${t.from}->${t.to}`);
        },
        fenced: () => undefined,
        transitioned: (_u, t) => events.push(`pushed ${t.from}->${t.to}`),
        changed: () => undefined,
        escalate: () => undefined,
        inputMissing: () => undefined,
      },
      'n',
    );
    actor.start();
    const input = (status: 'connected' | 'client_disconnect') =>
      actor.send({
        type: 'INPUT',
        observation: { status, at: new Date().toISOString(), source: 'cloudflare' },
      });
    hold();
    input('connected');
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual([]); // the write has not committed: nothing pushed yet
    open();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['logged offline->ready', 'pushed offline->ready']);

    fail = true;
    input('client_disconnect');
    await new Promise((r) => setImmediate(r));
    expect(events.slice(2)).toEqual([]); // queued while the database is away, not shown
    expect(actor.unsavedWrites).toBe(1);
    fail = false;
    await actor.flush(3000);
    expect(events.slice(2)).toEqual(['logged ready->offline', 'pushed ready->offline']);
    await actor.stop();
  });
});
