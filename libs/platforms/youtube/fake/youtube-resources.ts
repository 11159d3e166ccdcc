import { randomUUID } from 'node:crypto';

/**
 * Builders for YouTube Data API v3 liveChatMessage resources, in the documented shape
 * (developers.google.com/youtube/v3/live/docs/liveChatMessages): `snippet.type` decides
 * which `*Details` object is present; `authorDetails` describes the sender.
 */
export interface FakeAuthor {
  channelId: string;
  displayName: string;
  isChatOwner?: boolean;
  isChatModerator?: boolean;
  isChatSponsor?: boolean;
  isVerified?: boolean;
}

export type LiveChatMessage = Record<string, unknown> & { id: string };

function base(
  liveChatId: string,
  author: FakeAuthor,
  type: string,
  displayMessage: string,
  details: Record<string, unknown>,
  at: Date,
  id: string = randomUUID(),
): LiveChatMessage {
  return {
    kind: 'youtube#liveChatMessage',
    etag: `etag-${id}`,
    id,
    snippet: {
      type,
      liveChatId,
      authorChannelId: author.channelId,
      publishedAt: at.toISOString(),
      hasDisplayContent: true,
      displayMessage,
      ...details,
    },
    authorDetails: {
      channelId: author.channelId,
      channelUrl: `http://www.youtube.com/channel/${author.channelId}`,
      displayName: author.displayName,
      profileImageUrl: 'https://yt3.ggpht.com/a/default-user=s88',
      isVerified: author.isVerified ?? false,
      isChatOwner: author.isChatOwner ?? false,
      isChatSponsor: author.isChatSponsor ?? false,
      isChatModerator: author.isChatModerator ?? false,
    },
  };
}

export const youtubeMessages = {
  text: (chat: string, author: FakeAuthor, text: string, at = new Date(), id?: string) =>
    base(
      chat,
      author,
      'textMessageEvent',
      text,
      { textMessageDetails: { messageText: text } },
      at,
      id,
    ),
  superChat: (
    chat: string,
    author: FakeAuthor,
    micros: number,
    currency: string,
    comment: string,
    at = new Date(),
  ) =>
    base(
      chat,
      author,
      'superChatEvent',
      comment,
      {
        superChatDetails: {
          amountMicros: String(micros),
          currency,
          amountDisplayString: `${currency} ${(micros / 1e6).toFixed(2)}`,
          userComment: comment,
          tier: 2,
        },
      },
      at,
    ),
  superSticker: (
    chat: string,
    author: FakeAuthor,
    micros: number,
    currency: string,
    altText: string,
    at = new Date(),
  ) =>
    base(
      chat,
      author,
      'superStickerEvent',
      altText,
      {
        superStickerDetails: {
          superStickerMetadata: { stickerId: 'sticker-1', altText, language: 'en' },
          amountMicros: String(micros),
          currency,
          amountDisplayString: `${currency} ${(micros / 1e6).toFixed(2)}`,
          tier: 1,
        },
      },
      at,
    ),
  newSponsor: (chat: string, author: FakeAuthor, level: string, at = new Date()) =>
    base(
      chat,
      author,
      'newSponsorEvent',
      `Welcome to ${level}!`,
      {
        newSponsorDetails: { memberLevelName: level, isUpgrade: false },
      },
      at,
    ),
  milestone: (
    chat: string,
    author: FakeAuthor,
    level: string,
    months: number,
    comment: string,
    at = new Date(),
  ) =>
    base(
      chat,
      author,
      'memberMilestoneChatEvent',
      comment,
      {
        memberMilestoneChatDetails: {
          memberLevelName: level,
          memberMonth: months,
          userComment: comment,
        },
      },
      at,
    ),
};

/** Google's JSON error body (`{ error: { code, message, errors: [...], status } }`). */
export function googleError(
  code: number,
  reason: string,
  message: string,
  domain = 'youtube.liveChat',
) {
  const status =
    code === 401
      ? 'UNAUTHENTICATED'
      : code === 403
        ? 'PERMISSION_DENIED'
        : code === 404
          ? 'NOT_FOUND'
          : code >= 500
            ? 'UNAVAILABLE'
            : 'INVALID_ARGUMENT';
  return { error: { code, message, errors: [{ message, domain, reason }], status } };
}
