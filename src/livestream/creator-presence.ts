import { isProviderError } from '../../libs/common/provider-error';
import type { LiveKitPort, ParticipantSummary } from '../../libs/livekit';

/** Input statuses in the session's (Cloudflare's) vocabulary that LiveKit presence maps to. */
export type CreatorPresence = 'connected' | 'client_disconnect';

/** The creator is in their room and publishes at least one media track. */
export function isPublishing(participants: ParticipantSummary[], userId: string): boolean {
  return participants.some(
    (p) =>
      p.identity === userId &&
      p.state !== 'disconnected' &&
      p.tracks.some((t) => t.kind === 'audio' || t.kind === 'video'),
  );
}

/**
 * LiveKit's truth about a creator's browser ingest. A room that does not exist means the
 * creator is not there; any other failure (LiveKit unreachable, refused) is thrown, so the
 * session keeps its state rather than guessing.
 */
export async function creatorPresence(lk: LiveKitPort, userId: string): Promise<CreatorPresence> {
  try {
    const participants = await lk.listParticipants(lk.roomNameForUser(userId));
    return isPublishing(participants, userId) ? 'connected' : 'client_disconnect';
  } catch (err) {
    if (isProviderError(err, 'not_found')) return 'client_disconnect';
    throw err;
  }
}
