import fc from 'fast-check';
import { isRtmpUrl, redactIdentifier, redactStreamUrl, sameStreamUrl } from './stream-url';

const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const key = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const rtmp = fc
  .record({ scheme: fc.constantFrom('rtmp://', 'rtmps://'), host: segment, app: segment, key })
  .map((p) => ({ ...p, url: `${p.scheme}${p.host}.example/${p.app}/${p.key}` }));

describe('stream URL redaction (as LiveKit egress reports destinations)', () => {
  it('matches livekit/egress RedactStreamKey on known examples', () => {
    expect(redactStreamUrl('rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop')).toBe(
      'rtmp://a.rtmp.youtube.com/live2/{abc...nop}',
    );
    expect(redactStreamUrl('rtmps://live.twitch.tv/app/live_123')).toBe(
      'rtmps://live.twitch.tv/app/{li...23}',
    );
    expect(redactIdentifier('ab')).toBe('{...}');
    expect(redactIdentifier('abc')).toBe('{a...c}');
    expect(redactStreamUrl('rtmp://host/key-without-app')).toBe('rtmp://host/key-without-app');
    expect(redactStreamUrl('srt://host:9000/app/key')).toBe('srt://host:9000/app/key');
  });

  it('never reports the whole stream key, and shows at most a third of it at each end', () => {
    fc.assert(
      fc.property(rtmp, ({ scheme, host, app, key: k, url }) => {
        const redacted = redactStreamUrl(url);
        expect(redacted.startsWith(`${scheme}${host}.example/${app}/{`)).toBe(true);
        const shown = /\{(.*)\.\.\.(.*)\}$/.exec(redacted);
        expect(shown).not.toBeNull();
        const [, prefix, suffix] = shown!;
        expect(k.startsWith(prefix) && k.endsWith(suffix)).toBe(true);
        expect(prefix.length).toBeLessThanOrEqual(Math.floor(k.length / 3));
        expect(suffix.length).toBe(prefix.length);
      }),
    );
  });

  it('matches a reported URL to the URL that was requested, and not to another key', () => {
    fc.assert(
      fc.property(rtmp, key, ({ url, key: k }, other) => {
        expect(sameStreamUrl(redactStreamUrl(url), url)).toBe(true);
        expect(sameStreamUrl(url, url)).toBe(true);
        const otherUrl = url.slice(0, url.length - k.length) + other;
        fc.pre(redactIdentifier(other) !== redactIdentifier(k));
        expect(sameStreamUrl(redactStreamUrl(url), otherUrl)).toBe(false);
      }),
    );
  });

  it('accepts rtmp(s) destinations only', () => {
    expect(isRtmpUrl('rtmp://a.rtmp.youtube.com/live2/key')).toBe(true);
    expect(isRtmpUrl('rtmps://x/app/key')).toBe(true);
    expect(isRtmpUrl('https://example.com/live')).toBe(false);
    expect(isRtmpUrl('rtmp://')).toBe(false);
  });
});
