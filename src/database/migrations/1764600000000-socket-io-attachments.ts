import { MigrationInterface, QueryRunner } from 'typeorm';

/** Table used by @socket.io/postgres-adapter for payloads over NOTIFY's 8000-byte limit. */
export class SocketIoAttachments1764600000000 implements MigrationInterface {
  name = 'SocketIoAttachments1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS socket_io_attachments');
  }
}
