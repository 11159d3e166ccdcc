import type { youtube_v3 } from 'googleapis/build/src/apis/youtube';
import { isoOrNow } from '../common/platform-time';
import type { ChatEventType, NormalizedChatEvent } from '../platform-chat.port';

const TYPES: Record<string, ChatEventType> = {
  textMessageEvent: 'message',
  superChatEvent: 'donation',
  superStickerEvent: 'donation',
  newSponsorEvent: 'subscription',
  memberMilestoneChatEvent: 'subscription',
};

function badges(a: youtube_v3.Schema$LiveChatMessageAuthorDetails | undefined): string[] {
  const out: string[] = [];
  if (a?.isChatOwner) out.push('owner');
  if (a?.isChatModerator) out.push('moderator');
  if (a?.isChatSponsor) out.push('member');
  if (a?.isVerified) out.push('verified');
  return out;
}

function amount(micros: string | null | undefined, currency: string | null | undefined) {
  const value = Number(micros);
  return Number.isFinite(value) && currency ? { value: value / 1_000_000, currency } : undefined;
}

/** Maps one liveChatMessage resource; other types (deletions, bans, polls…) are skipped. */
export function youtubeEvent(
  m: youtube_v3.Schema$LiveChatMessage,
): NormalizedChatEvent | undefined {
  const s = m.snippet;
  const type = s?.type ? TYPES[s.type] : undefined;
  if (!m.id || !s || !type) return undefined;
  const a = m.authorDetails ?? undefined;
  let text = s.displayMessage ?? s.textMessageDetails?.messageText ?? '';
  let money: { value: number; currency: string } | undefined;
  if (s.superChatDetails) {
    text = s.superChatDetails.userComment ?? '';
    money = amount(s.superChatDetails.amountMicros, s.superChatDetails.currency);
  } else if (s.superStickerDetails) {
    text = s.superStickerDetails.superStickerMetadata?.altText ?? text;
    money = amount(s.superStickerDetails.amountMicros, s.superStickerDetails.currency);
  } else if (s.memberMilestoneChatDetails) {
    text = s.memberMilestoneChatDetails.userComment ?? text;
  }
  const event: NormalizedChatEvent = {
    platform: 'youtube',
    type,
    author: {
      id: a?.channelId ?? s.authorChannelId ?? '',
      name: a?.displayName ?? '',
      badges: badges(a),
    },
    text,
    platformMessageId: m.id,
    at: isoOrNow(s.publishedAt ? Date.parse(s.publishedAt) : NaN),
  };
  if (money) event.amount = money;
  return event;
}
