/**
 * LiveKit egress never echoes a stream key: every RTMP URL it reports (stream results,
 * the request inside EgressInfo) has its last path segment replaced by `{abc...xyz}`.
 * These helpers mirror livekit/egress `utils.RedactStreamKey` so the service can match a
 * reported destination to the URL it asked for, and so the fake reports what LiveKit does.
 */

// rtmp(s)://{host}(/{path})/{app}/{stream_key}( live=1), as in livekit/egress.
const RTMP_URL = /^(rtmps?:\/\/)(.*\/)(.*\/)(\S*)( live=1)?$/;

/** `{pre...suf}`: up to 3 leading and trailing characters, never more than a third each. */
export function redactIdentifier(identifier: string): string {
  let prefix = '';
  let suffix = '';
  for (let i = 3; i > 0; i--) {
    if (identifier.length >= i * 3) {
      prefix = identifier.slice(0, i);
      suffix = identifier.slice(identifier.length - i);
      break;
    }
  }
  return `{${prefix}...${suffix}}`;
}

/** The URL as LiveKit reports it; URLs that are not `rtmp(s)://host/app/key` are unchanged. */
export function redactStreamUrl(url: string): string {
  const match = RTMP_URL.exec(url);
  if (!match) return url;
  const [, scheme, head, app, key, live = ''] = match;
  return `${scheme}${head}${app}${redactIdentifier(key)}${live}`;
}

/** True when `reported` (redacted or not) is how LiveKit reports `requested`. */
export function sameStreamUrl(reported: string, requested: string): boolean {
  return reported === requested || reported === redactStreamUrl(requested);
}

/** Only RTMP(S) destinations are accepted for stream egress here. */
export function isRtmpUrl(url: string): boolean {
  return /^rtmps?:\/\/[^/\s]+\/\S+$/.test(url);
}
