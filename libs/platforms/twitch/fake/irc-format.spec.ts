import { escapeTag, formatTags, parseClientLine } from './irc-format';

describe('the fake IRC formatting', () => {
  it('escapes tag values per IRCv3 and leaves plain ones as they are', () => {
    expect(escapeTag('Viewer_1')).toBe('Viewer_1');
    expect(escapeTag('')).toBe('');
    expect(escapeTag('a b;c\\d\re\nf')).toBe('a\\sb\\:c\\\\d\\re\\nf');
    expect(escapeTag(';;  ')).toBe('\\:\\:\\s\\s');
  });

  it('writes tags in order, each escaped', () => {
    expect(formatTags({ id: 'x', 'display-name': 'A B', 'system-msg': 'a;b' })).toBe(
      '@id=x;display-name=A\\sB;system-msg=a\\:b',
    );
  });

  it("reads a client's command and its trailing parameter", () => {
    expect(parseClientLine('PRIVMSG #chan :hello there')).toEqual({
      command: 'PRIVMSG',
      params: ['#chan', 'hello there'],
    });
    expect(parseClientLine('join  #a')).toEqual({ command: 'JOIN', params: ['#a'] });
  });
});
