import { DataSource } from 'typeorm';
import { FencedError } from '../../src/cluster/not-owner.error';
import { OwnershipService } from '../../src/cluster/ownership.service';
import { loadConfig } from '../../src/config/app-config';
import { SessionTransitionEntity } from '../../src/sessions/entities/session-transition.entity';
import { SessionEntity } from '../../src/sessions/entities/session.entity';
import { SessionStore, TransitionRecord } from '../../src/sessions/session.store';
import { createTestDataSource } from '../helpers/database';

describe('Ownership leases and fencing (real PostgreSQL)', () => {
  let ds: DataSource;
  let store: SessionStore;
  const node = (id: string) =>
    new OwnershipService({ ...loadConfig({ NODE_ID: id, LEASE_TTL: '1s' }) }, ds);

  /** The node stopped heartbeating (it died or is cut off) and its claims ran out. */
  const silence = async (nodeId: string, userId: string) => {
    await ds.query(
      `UPDATE nodes SET heartbeat_at = now() - interval '5 seconds' WHERE node_id = $1`,
      [nodeId],
    );
    await ds.query(
      `UPDATE sessions SET lease_expires_at = now() - interval '5 seconds' WHERE user_id = $1`,
      [userId],
    );
  };

  beforeAll(async () => {
    ds = await createTestDataSource();
    store = new SessionStore(
      ds.getRepository(SessionEntity),
      ds.getRepository(SessionTransitionEntity),
      ds,
    );
  });
  afterAll(() => ds.destroy());

  it('takes over no expired lease right after its own database trouble: the owner renews first', async () => {
    // After an outage every lease has expired. A request landing on B must not claim A's
    // session before A could renew (that fenced A and dropped the writes it had queued).
    const a = node('a2');
    const b = node('b2');
    await store.ensure('u-outage');
    expect(await a.claim('u-outage')).toMatchObject({ owned: true });
    await ds.query(
      `UPDATE sessions SET lease_expires_at = now() - interval '5 seconds' WHERE user_id = 'u-outage'`,
    );
    b.noteDatabaseTrouble();
    expect(await b.claim('u-outage')).toMatchObject({ owned: false, ownerNode: 'a2' });
    expect(await a.renew(['u-outage'], () => true)).toEqual([]); // A is back and keeps it
    // A node that had no trouble (or whose pause is over) takes a dead owner's session.
    await silence('a2', 'u-outage');
    expect(b.takeoverPaused(Date.now() + 2000)).toBe(false);
    expect(await node('c2').claim('u-outage')).toMatchObject({ owned: true });
  });

  it('gives a session to one node at a time, and fences the stale owner after a takeover', async () => {
    const a = node('a');
    const b = node('b');
    await store.ensure('u1');
    const claimA = await a.claim('u1');
    expect(claimA).toEqual({ owned: true, epoch: '1' });
    expect(await b.claim('u1')).toMatchObject({ owned: false, ownerNode: 'a' });

    // While A heartbeats its session stays A's, also past the expiry its claim set.
    expect(await a.renew(['u1'], () => true)).toEqual([]);
    await ds.query(
      `UPDATE sessions SET lease_expires_at = now() - interval '5 seconds' WHERE user_id = 'u1'`,
    );
    expect(await b.claim('u1')).toMatchObject({ owned: false, ownerNode: 'a' });
    // A stops heartbeating (it is dead or partitioned); B takes over.
    await silence('a', 'u1');
    expect(await b.claim('u1')).toEqual({ owned: true, epoch: '2' });
    expect(await a.renew(['u1'], () => true)).toEqual(['u1']); // A learns it lost the session

    // A stale write from A is refused and leaves no trace, not even a transition.
    const stale = (await store.find('u1'))!;
    Object.assign(stale, { ownerNode: 'a', ownerEpoch: '1', state: 'streaming' });
    await expect(
      store.save(stale, {
        from: 'offline',
        to: 'streaming',
        reason: 'x',
        by: 'system',
        at: new Date(),
      }),
    ).rejects.toBeInstanceOf(FencedError);
    expect((await store.find('u1'))!.state).toBe('offline');
    expect(await store.recentTransitions('u1')).toEqual([]);

    // B's writes go through.
    const fresh = (await store.find('u1'))!;
    // A write carries the version it creates (the actor counts its queued writes).
    Object.assign(fresh, {
      ownerNode: 'b',
      ownerEpoch: '2',
      state: 'ready',
      version: fresh.version + 1,
    });
    await store.save(fresh, {
      from: 'offline',
      to: 'ready',
      reason: 'input-connected',
      by: 'system',
      at: new Date(),
    });
    expect((await store.find('u1'))!.state).toBe('ready');
  });

  it('lists unfinished sessions without a live owner as orphans, and releases cleanly', async () => {
    const a = node('a');
    await store.ensure('u2');
    await ds.query(
      `UPDATE sessions SET state = 'streaming', state_since = now() WHERE user_id = 'u2'`,
    );
    expect(await a.orphans()).toContain('u2');
    await a.claim('u2');
    expect(await a.orphans()).not.toContain('u2');
    await a.release(['u2']);
    expect(await a.orphans()).toContain('u2');
  });

  it('releases a session its live owner does not run (a release that failed)', async () => {
    const a = node('a3');
    await store.ensure('u-stray');
    await ds.query(`UPDATE sessions SET state = 'streaming' WHERE user_id = 'u-stray'`);
    await a.claim('u-stray');
    // Held: kept.
    expect(await a.renew([], () => true)).toEqual([]);
    expect(await a.orphans()).not.toContain('u-stray');
    // Not held: released, so that the orphan scans give it an owner that runs it.
    expect(await a.renew([], (u) => u !== 'u-stray')).toEqual([]);
    expect(await a.orphans()).toContain('u-stray');
    const [row] = await ds.query(`SELECT owner_node FROM sessions WHERE user_id = 'u-stray'`);
    expect(row.owner_node).toBeNull();
  });

  it('counts the other nodes that heartbeat (a node alone skips what only they would see)', async () => {
    const a = node('peer-a');
    const b = node('peer-b');
    await ds.query(`DELETE FROM nodes`);
    await a.heartbeat();
    expect(a.peers).toBe(0);
    await b.heartbeat();
    expect(b.peers).toBe(1);
    await a.heartbeat();
    expect(a.peers).toBe(1);
    await ds.query(
      `UPDATE nodes SET heartbeat_at = now() - interval '5 seconds' WHERE node_id = 'peer-b'`,
    );
    await a.heartbeat();
    expect(a.peers).toBe(0);
  });

  it('stores a retried write once: a commit whose acknowledgement was lost is not repeated', async () => {
    const a = node('a');
    await store.ensure('u3');
    const claim = await a.claim('u3');
    if (!claim.owned) throw new Error('not claimed');
    const row = (await store.find('u3'))!;
    const write = (version: number, state: SessionEntity['state']) => ({
      ...row,
      ownerNode: 'a',
      ownerEpoch: claim.epoch,
      state,
      version,
    });
    const t = (from: TransitionRecord['from'], to: TransitionRecord['to']): TransitionRecord => ({
      from,
      to,
      reason: 'x',
      by: 'system',
      at: new Date(),
    });
    await store.save(write(row.version + 1, 'ready'), t('offline', 'ready'));
    // The database went away after COMMIT, before the answer: the queue retries the write.
    await store.save(write(row.version + 1, 'ready'), t('offline', 'ready'));
    await store.save(write(row.version + 2, 'offline'), t('ready', 'offline'));
    const log = (await store.recentTransitions('u3')).reverse().map((x) => `${x.from}->${x.to}`);
    expect(log).toEqual(['offline->ready', 'ready->offline']);
    expect((await store.find('u3'))!).toMatchObject({ state: 'offline', version: row.version + 2 });
    // And a stale owner is still fenced, whatever version it carries.
    await expect(
      store.save({ ...write(row.version + 3, 'ready'), ownerEpoch: '0' }, t('offline', 'ready')),
    ).rejects.toBeInstanceOf(FencedError);
  });
});
