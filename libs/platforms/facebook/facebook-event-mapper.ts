import { field, str } from '../common/http-json';
import { isoOrNow } from '../common/platform-time';
import type { NormalizedChatEvent } from '../platform-chat.port';

/**
 * Maps one Graph comment (`fields=id,message,created_time,from{id,name}`). `from` is only
 * present when the viewer granted it (or for the Page itself); without it the author is
 * anonymous. Returns undefined for a comment without id.
 */
export function facebookEvent(
  comment: unknown,
  now: () => Date = () => new Date(),
): NormalizedChatEvent | undefined {
  const id = str(field(comment, 'id'));
  if (!id) return undefined;
  const from = field(comment, 'from');
  const created = Date.parse(str(field(comment, 'created_time')) ?? '');
  return {
    platform: 'facebook',
    type: 'message',
    author: {
      id: str(field(from, 'id')) ?? '',
      name: str(field(from, 'name')) ?? 'Facebook user',
      badges: [],
    },
    text: str(field(comment, 'message')) ?? '',
    platformMessageId: id,
    at: isoOrNow(created, now),
  };
}
