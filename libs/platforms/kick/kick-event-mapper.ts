import { createHash } from 'node:crypto';
import { field, str } from '../common/http-json';
import { isoOrNow } from '../common/platform-time';
import type { NormalizedChatEvent } from '../platform-chat.port';

/**
 * Maps Kick's chatroom events (shapes observed by third-party clients; Kick does not
 * document its Pusher feed). Returns undefined for events we do not show (pins, bans…).
 */
export function kickEvent(
  eventName: string,
  payload: unknown,
  now: () => Date = () => new Date(),
): NormalizedChatEvent | undefined {
  const data = decode(payload);
  // Kick has sent both the namespaced and the bare name for some events.
  switch (eventName.replace(/^App\\Events\\/, '')) {
    case 'ChatMessageEvent':
      return chatMessage(data, now);
    case 'SubscriptionEvent':
      return subscription(eventName, data, now);
    case 'GiftedSubscriptionsEvent':
      return giftedSubscriptions(eventName, data, now);
    case 'StreamHostEvent':
      return streamHost(eventName, data, now);
    default:
      return undefined;
  }
}

/** pusher-js decodes the inner JSON string itself; accept a still-encoded string too. */
function decode(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return undefined;
  }
}

function dateParse(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : NaN;
}

/** Sub, gift and host events carry no id: derive a stable one so a re-sent frame dedupes. */
function derivedId(eventName: string, data: unknown): string {
  const digest = createHash('sha256')
    .update(`${eventName}\n${JSON.stringify(data)}`)
    .digest('hex');
  return `kick-${digest.slice(0, 32)}`;
}

function chatMessage(data: unknown, now: () => Date): NormalizedChatEvent | undefined {
  const id = str(field(data, 'id'));
  const sender = field(data, 'sender');
  if (!id || !sender) return undefined;
  const badges = field(field(sender, 'identity'), 'badges');
  return {
    platform: 'kick',
    type: 'message',
    author: {
      id: str(field(sender, 'id')) ?? '',
      name: str(field(sender, 'username')) ?? str(field(sender, 'slug')) ?? '',
      badges: Array.isArray(badges)
        ? badges.map((b) => str(field(b, 'type'))).filter((t): t is string => !!t)
        : [],
    },
    text: str(field(data, 'content')) ?? '',
    platformMessageId: id,
    at: isoOrNow(dateParse(field(data, 'created_at')), now),
  };
}

function viewer(name: string): NormalizedChatEvent['author'] {
  // These events name the viewer by username only; Kick gives no user id.
  return { id: name, name, badges: [] };
}

function subscription(
  eventName: string,
  data: unknown,
  now: () => Date,
): NormalizedChatEvent | undefined {
  const username = str(field(data, 'username'));
  if (!username) return undefined;
  const months = Number(field(data, 'months'));
  const text =
    Number.isFinite(months) && months > 1
      ? `${username} subscribed for ${months} months`
      : `${username} subscribed`;
  return {
    platform: 'kick',
    type: 'subscription',
    author: viewer(username),
    text,
    platformMessageId: derivedId(eventName, data),
    at: now().toISOString(),
  };
}

function giftedSubscriptions(
  eventName: string,
  data: unknown,
  now: () => Date,
): NormalizedChatEvent | undefined {
  const gifter = str(field(data, 'gifter_username'));
  const recipients = field(data, 'gifted_usernames');
  if (!gifter || !Array.isArray(recipients)) return undefined;
  const names = recipients.map((r) => str(r)).filter((r): r is string => !!r);
  const text =
    names.length === 1
      ? `${gifter} gifted a subscription to ${names[0]}`
      : `${gifter} gifted ${names.length} subscriptions`;
  return {
    platform: 'kick',
    type: 'subscription',
    author: viewer(gifter),
    text,
    platformMessageId: derivedId(eventName, data),
    at: now().toISOString(),
  };
}

function streamHost(
  eventName: string,
  data: unknown,
  now: () => Date,
): NormalizedChatEvent | undefined {
  const host = str(field(data, 'host_username'));
  if (!host) return undefined;
  const viewers = Number(field(data, 'number_viewers'));
  const message = str(field(data, 'optional_message'));
  return {
    platform: 'kick',
    type: 'raid',
    author: viewer(host),
    text:
      message && message.length > 0
        ? message
        : `${host} is hosting with ${Number.isFinite(viewers) ? viewers : 0} viewers`,
    platformMessageId: derivedId(eventName, data),
    at: now().toISOString(),
  };
}
