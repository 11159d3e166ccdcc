import { hash } from 'node:crypto';

/**
 * A chat event's id, derived from what identifies it: the streamer, the platform and the
 * platform's own message id. A platform that delivers a message twice (a monitor
 * reconnecting and reading recent chat again, a write retried after a partial failure)
 * delivers the same id twice, so the primary key alone keeps it stored once. A random id
 * needed a second unique index for that, which cost PostgreSQL more per stored event than
 * the rest of the insert.
 *
 * The name is the JSON array `[userId, platform, platformMessageId]` (unambiguous whatever
 * the parts hold), hashed with SHA-256, written as an RFC 9562 version 8 UUID. The
 * migration that introduced these ids computes the same in SQL for rows stored before
 * (`1764640000000-chat-event-ids-from-platform-ids.ts`); the scheme must never change, or
 * re-deliveries of earlier messages would be stored again.
 */
export function chatEventId(userId: string, platform: string, platformMessageId: string): string {
  const h = hash('sha256', JSON.stringify([userId, platform, platformMessageId]), 'hex');
  return (
    `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-` +
    // The variant (RFC 9562: 10xx) replaces the top two bits of the 17th hex digit.
    `${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`
  );
}
