import { MigrationInterface, QueryRunner } from 'typeorm';

/** Cleanup retries are driven by the machine's back-off and resumed through reconcile; the column was never used. */
export class DropNextCleanupAt1764620000000 implements MigrationInterface {
  name = 'DropNextCleanupAt1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sessions DROP COLUMN IF EXISTS next_cleanup_at');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sessions ADD COLUMN next_cleanup_at timestamptz');
  }
}
