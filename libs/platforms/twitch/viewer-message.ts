/** The tags a chat event is built from, as tmi.js would hand them to a `message` listener. */
// A type, not an interface: it is passed where tmi.js's loose tag records go.
export type ViewerMessageTags = {
  id?: string;
  username: string;
  'user-id'?: string;
  'display-name'?: string;
  /** badge → version, as tmi.js parses `badges=subscriber/12,premium/1`. */
  badges: Record<string, string | null> | null;
  'tmi-sent-ts'?: string;
  'message-type': 'chat';
};

export interface ViewerMessage {
  tags: ViewerMessageTags;
  text: string;
}

type StringTag = 'id' | 'user-id' | 'display-name' | 'tmi-sent-ts';
const STRING_TAGS = new Set<string>(['id', 'user-id', 'display-name', 'tmi-sent-ts']);
/** Tags whose line tmi.js turns into something else than a plain message (cheer, redeem). */
const NOT_PLAIN = new Set(['bits', 'msg-id', 'custom-reward-id']);
/** IRCv3 tag escapes, undone as tmi.js undoes them (it drops CR and LF). */
const ESCAPE = /\\([s:\\rn])/g;
const ESCAPED: Record<string, string> = { s: ' ', ':': ';', '\\': '\\', r: '', n: '' };
const unescape = (_: string, c: string): string => ESCAPED[c];

/**
 * Reads the line Twitch sends most, a viewer's plain chat message
 * (`@tags :nick!nick@nick.tmi.twitch.tv PRIVMSG #channel :text`), without tmi.js. tmi.js
 * splits every tag of every line into objects, unescapes and converts each of them, and
 * emits two events per message: about 20 µs a message, the largest share of a node's chat
 * CPU at 25,000 events/s. This reads the tags a chat event needs in one pass.
 *
 * Anything else returns undefined and goes through tmi.js as before: other commands,
 * cheers (`bits`), channel-point messages (`msg-id`, `custom-reward-id`), `/me` actions,
 * lines from `jtv`, and any line whose layout differs from the one above. tmi.js's
 * handling stays the reference; `viewer-message.spec.ts` holds this to it.
 */
export function viewerMessage(line: string): ViewerMessage | undefined {
  if (line.charCodeAt(0) !== 64 /* @ */) return undefined;
  const tagsEnd = line.indexOf(' ');
  if (tagsEnd < 0 || line.charCodeAt(tagsEnd + 1) !== 58 /* : */) return undefined;
  const prefixEnd = line.indexOf(' ', tagsEnd + 2);
  if (prefixEnd < 0 || !line.startsWith('PRIVMSG #', prefixEnd + 1)) return undefined;
  const channelEnd = line.indexOf(' ', prefixEnd + 9);
  if (channelEnd < 0 || line.charCodeAt(channelEnd + 1) !== 58 /* : */) return undefined;
  const text = line.slice(channelEnd + 2);
  if (text.charCodeAt(0) === 1 /* \u0001: a CTCP ACTION */) return undefined;
  const bang = line.indexOf('!', tagsEnd + 2);
  if (bang < 0 || bang > prefixEnd) return undefined;
  const username = line.slice(tagsEnd + 2, bang);
  if (username === 'jtv') return undefined;

  const tags: ViewerMessageTags = { username, badges: null, 'message-type': 'chat' };
  for (let at = 1; at < tagsEnd;) {
    let end = line.indexOf(';', at);
    if (end < 0 || end > tagsEnd) end = tagsEnd;
    const eq = line.indexOf('=', at);
    const key = eq >= 0 && eq < end ? line.slice(at, eq) : line.slice(at, end);
    const raw = eq >= 0 && eq < end ? line.slice(eq + 1, end) : '';
    at = end + 1;
    if (NOT_PLAIN.has(key)) return undefined;
    // tmi.js: an empty value is null; after badges are split, `1` and `0` are booleans.
    // None of those is a usable id, name or timestamp, so they are left out.
    if (raw === '') continue;
    if (key === 'badges') tags.badges = badgesOf(raw);
    else if (STRING_TAGS.has(key) && raw !== '1' && raw !== '0')
      tags[key as StringTag] = raw.includes('\\') ? raw.replace(ESCAPE, unescape) : raw;
  }
  return { tags, text };
}

function badgesOf(raw: string): Record<string, string | null> {
  const badges: Record<string, string | null> = {};
  for (const badge of raw.split(',')) {
    const slash = badge.indexOf('/');
    if (slash < 0) badges[badge] = null;
    else badges[badge.slice(0, slash)] = badge.slice(slash + 1) || null;
  }
  return badges;
}
