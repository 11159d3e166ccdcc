import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recovery and failover ask, for thousands of users at once, which ones may still have
 * outputs on the provider (OutputsService.usersWithOpenOutputs). Only unremoved outputs
 * are indexed: they are few, while removed ones accumulate with every broadcast.
 */
export class OpenOutputsByUser1764630000000 implements MigrationInterface {
  name = 'OpenOutputsByUser1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS outputs_open_by_user ON outputs (user_id) WHERE status <> 'removed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS outputs_open_by_user');
  }
}
