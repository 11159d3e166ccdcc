import { Client, type Pool } from 'pg';
import type { Server } from 'socket.io';
import { PostgresIoAdapter } from '../../src/gateway/postgres-io.adapter';
import { closeAllPostgres, PostgresProcess } from '../helpers/postgres-process';
import { waitFor } from '../helpers/wait-for';

/**
 * The Socket.IO Postgres adapter across real database restarts: its LISTEN connection is
 * checked out of a 3-connection pool, and a dead one used to keep its slot, so after two
 * restarts every publish (and with it every broadcast, local sockets included) waited forever.
 */
jest.setTimeout(120_000);

describe('PostgresIoAdapter across database restarts', () => {
  let pg: PostgresProcess;
  let adapter: PostgresIoAdapter;
  const errors: Error[] = [];

  beforeAll(async () => {
    pg = await PostgresProcess.create({ database: 'postgres' });
  });
  afterAll(() => closeAllPostgres());

  it('gives the pool back its slots, so publishing works after every restart', async () => {
    adapter = new PostgresIoAdapter(undefined as never, pg.url, (err) => errors.push(err));
    const server = adapter.createIOServer(0) as Server;
    server.of('/live');
    const pool = (adapter as unknown as { pool: Pool }).pool;
    /** The adapter's LISTEN connection, as the server sees it (not through the pool under test). */
    const listening = async () => {
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      try {
        const r = await client.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
        );
        return Number(r.rows[0].n) === 1;
      } finally {
        await client.end();
      }
    };
    await waitFor(listening, 'the LISTEN connection');
    for (let restart = 1; restart <= 2; restart++) {
      await pg.stop();
      await pg.start();
      await waitFor(listening, `the LISTEN connection again after restart ${restart}`, 15_000);
    }
    // A publish (any query on the pool) still gets a connection.
    await waitFor(
      () =>
        Promise.race([
          pool.query('SELECT 1').then(
            () => true,
            () => false,
          ),
          new Promise<false>((r) => setTimeout(() => r(false), 1000)),
        ]),
      'a query on the adapter pool after the restarts',
      10_000,
    );
    expect(pool.waitingCount).toBe(0);
    expect(errors.length).toBeGreaterThan(0); // the lost connections were reported, not thrown
    // Nothing dead is left checked out, so closing the pool (at shutdown) does not hang.
    await adapter.dispose();
  });

  it('closes while its LISTEN connection is still being set up (an app closed right after start)', async () => {
    // The adapter starts taking its LISTEN client in its constructor, and close() cannot
    // stop that: a client arriving afterwards stayed checked out and pool.end() never
    // returned (CI saw an app's close() hang for minutes on a loaded machine).
    for (let i = 0; i < 5; i++) {
      const early = new PostgresIoAdapter(undefined as never, pg.url, (err) => errors.push(err));
      (early.createIOServer(0) as Server).of('/live');
      if (i % 2 === 1) await new Promise((r) => setImmediate(r)); // mid-connect, not only before
      const closed = await Promise.race([
        early.dispose().then(() => 'closed'),
        new Promise((r) => setTimeout(() => r('still closing after 10 s'), 10_000)),
      ]);
      expect(closed).toBe('closed');
    }
  });
});
