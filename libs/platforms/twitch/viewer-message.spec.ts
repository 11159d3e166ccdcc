import { Client } from 'tmi.js';
import { TWITCH_SAMPLE_LINES } from './fake/twitch-samples';
import { twitchEvent } from './twitch-event-mapper';
import { viewerMessage } from './viewer-message';

// tmi.js's own parser: the reference the fast path is held to (it has no typings).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tmiParser = require('tmi.js/lib/parser') as { msg(line: string): unknown };

const NOW = () => new Date('2026-12-02T00:00:00.000Z');

/** What tmi.js hands a `message` listener for `line` (undefined: no `message` event). */
function throughTmi(line: string): { tags: Record<string, unknown>; text: string } | undefined {
  const client = new Client({ options: { skipUpdatingEmotesets: true }, logger: silent });
  let seen: { tags: Record<string, unknown>; text: string } | undefined;
  client.on('message', (_channel, tags, text) => (seen = { tags, text }));
  (client as unknown as { handleMessage(m: unknown): void }).handleMessage(tmiParser.msg(line));
  return seen;
}
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const line = (tags: string, text = 'hello there', nick = 'viewer_1') =>
  `@${tags} :${nick}!${nick}@${nick}.tmi.twitch.tv PRIVMSG #streamer :${text}`;
const BASE =
  'badge-info=subscriber/14;badges=subscriber/12,premium/1;color=#8A2BE2;display-name=Viewer_1;emotes=25:0-4;first-msg=0;flags=;id=9c6d2e8f-0b0e-4c43-9f7e-1d2a3b4c5d6e;mod=0;returning-chatter=0;room-id=1001;subscriber=1;tmi-sent-ts=1764633600123;turbo=0;user-id=424242;user-type=';

const PLAIN = {
  'the documented PRIVMSG': TWITCH_SAMPLE_LINES.privmsg,
  'a subscriber with emotes': line(BASE, 'Kappa hello'),
  'an escaped display name': line(
    BASE.replace('display-name=Viewer_1', 'display-name=A\\sB\\:C\\\\D'),
  ),
  'no badges, no display name': line(
    BASE.replace(/badges=[^;]*/, 'badges=').replace(/display-name=[^;]*/, 'display-name='),
  ),
  'a badge without a version': line(BASE.replace(/badges=[^;]*/, 'badges=vip,subscriber/0')),
  'a display name of 0 (a boolean to tmi.js)': line(
    BASE.replace('display-name=Viewer_1', 'display-name=0'),
  ),
  'no tmi-sent-ts (the event takes now)': line(BASE.replace(/tmi-sent-ts=[^;]*;/, '')),
  'a tmi-sent-ts no Date can hold (the event takes now)': line(
    BASE.replace(/tmi-sent-ts=[^;]*/, 'tmi-sent-ts=99999999999999999999'),
  ),
  'text with colons, spaces and unicode': line(BASE, ' : a :b  c ünï 🎉'),
  'empty text': line(BASE, ''),
  'a tag without a value': line(`${BASE};some-flag`),
  'the id as the last tag': line('badges=;display-name=Last;user-id=7;id=last-one'),
};

const NOT_PLAIN = {
  'a cheer (bits)': TWITCH_SAMPLE_LINES.cheer,
  'a /me action': line(BASE, '\u0001ACTION waves\u0001'),
  'a highlighted message (msg-id)': line(`${BASE};msg-id=highlighted-message`),
  'a channel-point message (custom-reward-id)': line(`${BASE};custom-reward-id=abc`),
  'a USERNOTICE': TWITCH_SAMPLE_LINES.resub,
  'a jtv notice': line('badges=', 'someone is now hosting you.', 'jtv'),
  'a PING': 'PING :tmi.twitch.tv',
  'a USERSTATE':
    '@badge-info=;badges=;color=;display-name=me;emote-sets=0;id=x;mod=0;subscriber=0;user-type= :tmi.twitch.tv USERSTATE #streamer',
  'a PRIVMSG without tags': ':viewer!viewer@viewer.tmi.twitch.tv PRIVMSG #streamer :hi',
  'a PRIVMSG without a trailing colon': `@${BASE} :viewer!viewer@viewer.tmi.twitch.tv PRIVMSG #streamer hi`,
};

describe(viewerMessage.name, () => {
  it.each(Object.entries(PLAIN))('reads %s as tmi.js does', (_, l) => {
    const fast = viewerMessage(l);
    const tmi = throughTmi(l);
    expect(fast).toBeDefined();
    expect(tmi).toBeDefined();
    expect(fast!.text).toBe(tmi!.text);
    expect(fast!.tags.username).toBe(tmi!.tags['username']);
    expect(fast!.tags['message-type']).toBe(tmi!.tags['message-type']);
    expect(twitchEvent('message', fast!.tags, fast!.text, NOW)).toEqual(
      twitchEvent('message', tmi!.tags, tmi!.text, NOW),
    );
  });

  it('reads the tags a chat event needs, unescaped', () => {
    const m = viewerMessage(line(BASE.replace('display-name=Viewer_1', 'display-name=A\\sB')));
    expect(m).toEqual({
      text: 'hello there',
      tags: {
        username: 'viewer_1',
        'message-type': 'chat',
        id: '9c6d2e8f-0b0e-4c43-9f7e-1d2a3b4c5d6e',
        'user-id': '424242',
        'display-name': 'A B',
        badges: { subscriber: '12', premium: '1' },
        'tmi-sent-ts': '1764633600123',
      },
    });
  });

  it('dates a message by its tmi-sent-ts, or by now when that is no time a Date can hold', () => {
    const at = (ts: string) => {
      const m = viewerMessage(line(BASE.replace(/tmi-sent-ts=[^;]*/, `tmi-sent-ts=${ts}`)));
      return twitchEvent('message', m!.tags, m!.text, NOW)?.at;
    };
    expect(at('1764633600123')).toBe('2025-12-02T00:00:00.123Z');
    expect(at('99999999999999999999')).toBe(NOW().toISOString());
    expect(at('-5')).toBe(NOW().toISOString());
  });

  it.each(Object.entries(NOT_PLAIN))('leaves %s to tmi.js', (_, l) => {
    expect(viewerMessage(l)).toBeUndefined();
  });
});
