import { isoOrNow } from '../common/platform-time';
import type { ChatEventType, NormalizedChatEvent } from '../platform-chat.port';

/** tmi.js userstate tags: typed loosely by @types/tmi.js, read as unknown here. */
type Tags = Record<string, unknown>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function badgesOf(tags: Tags): string[] {
  const badges = tags['badges'];
  return typeof badges === 'object' && badges !== null ? Object.keys(badges) : [];
}

function sentAt(tags: Tags, now: () => Date): string {
  const ts = Number(tags['tmi-sent-ts']);
  return isoOrNow(ts > 0 ? ts : NaN, now);
}

/** Builds the normalized event from tmi.js tags; returns undefined when Twitch gave no id. */
export function twitchEvent(
  type: ChatEventType,
  tags: Tags,
  body: string,
  now: () => Date = () => new Date(),
  amount?: { value: number; currency: string },
): NormalizedChatEvent | undefined {
  const t = tags;
  const id = text(t['id']);
  if (!id) return undefined;
  const login = text(t['username']) ?? text(t['login']) ?? '';
  const event: NormalizedChatEvent = {
    platform: 'twitch',
    type,
    author: {
      id: text(t['user-id']) ?? login,
      name: text(t['display-name']) ?? login,
      badges: badgesOf(t),
    },
    text: body,
    platformMessageId: id,
    at: sentAt(t, now),
  };
  if (amount) event.amount = amount;
  return event;
}

/** The text shown for a USERNOTICE: the viewer's own words, else Twitch's system message. */
export function noticeText(message: string | null | undefined, tags: Tags): string {
  return text(message ?? undefined) ?? text(tags['system-msg']) ?? '';
}

export function bitsOf(tags: Tags): number {
  const bits = Number(tags['bits']);
  return Number.isFinite(bits) ? bits : 0;
}
