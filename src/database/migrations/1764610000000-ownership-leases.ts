import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single ownership across nodes: a lease per session (renewed in one batched statement per
 * node) with an epoch that fences a stale owner's writes, and a table of live nodes so a
 * non-owner can forward a command to the owner. Leases rather than advisory locks: locks
 * are held per connection and tens of thousands of them exhaust the lock table.
 */
export class OwnershipLeases1764610000000 implements MigrationInterface {
  name = 'OwnershipLeases1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE sessions ADD COLUMN lease_expires_at timestamptz, ADD COLUMN owner_epoch bigint NOT NULL DEFAULT 0`,
    );
    await q.query(
      `CREATE INDEX sessions_owner_idx ON sessions (owner_node) WHERE owner_node IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE nodes (
        node_id text PRIMARY KEY,
        url text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS nodes');
    await q.query('DROP INDEX IF EXISTS sessions_owner_idx');
    await q.query(
      'ALTER TABLE sessions DROP COLUMN IF EXISTS lease_expires_at, DROP COLUMN IF EXISTS owner_epoch',
    );
  }
}
