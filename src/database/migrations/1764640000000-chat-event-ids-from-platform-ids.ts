import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat event ids become a hash of (user, platform, platform message id): see
 * `src/chat/chat-event-id.ts`. The primary key then keeps a re-delivered message out on
 * its own, and the unique index that did it before goes: it was the most expensive part of
 * storing an event (about a third of PostgreSQL's time per row under chat load).
 *
 * The rows stored before get the ids they would have had, so a message stored before the
 * upgrade and delivered again after it is still recognized. The expression below is the
 * one `chatEventId` computes; `chat-ingest.e2e-spec.ts` holds the two to each other.
 */
export const CHAT_EVENT_ID_SQL = `(
  SELECT (substr(h, 1, 12) || '8' || substr(h, 14, 3)
          || substr('89ab89ab89ab89ab', ('x' || substr(h, 17, 1))::bit(4)::int + 1, 1)
          || substr(h, 18, 15))::uuid
    FROM (SELECT encode(sha256(convert_to(
            '[' || to_json(user_id::text)::text || ',' || to_json(platform::text)::text || ','
                || to_json(platform_message_id::text)::text || ']', 'UTF8')), 'hex') AS h) AS hashed
)`;

export class ChatEventIdsFromPlatformIds1764640000000 implements MigrationInterface {
  name = 'ChatEventIdsFromPlatformIds1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE chat_events SET id = ${CHAT_EVENT_ID_SQL}`);
    await q.query(
      'ALTER TABLE chat_events DROP CONSTRAINT IF EXISTS chat_events_user_id_platform_platform_message_id_key',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The ids stay derived: they are valid UUIDs, and unique as the constraint requires.
    await q.query(
      'ALTER TABLE chat_events ADD CONSTRAINT chat_events_user_id_platform_platform_message_id_key UNIQUE (user_id, platform, platform_message_id)',
    );
  }
}
