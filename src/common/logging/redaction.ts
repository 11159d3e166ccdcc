/**
 * Field names that hold secrets. Any log line carrying one of these (at any of the first
 * few levels of nesting) shows "[redacted]" instead. Keep in sync with what the service
 * stores: stream keys, OAuth tokens, webhook secrets, passwords.
 */
export const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'cf-webhook-auth',
  'webhook-signature',
  'streamKey',
  'stream_key',
  'streamKeyEnc',
  'passphrase',
  'password',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiToken',
  'apiKey',
  'api_key',
  'jwtSecret',
  'secretsKey',
  'clientSecret',
  'client_secret',
];

export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = k.startsWith('[') ? '' : '.';
    paths.push(k, `*${dot}${k}`, `*.*${dot}${k}`, `*.*.*${dot}${k}`);
  }
  return paths;
}

/** Removes credentials from a URL before it is logged (userinfo and secret-looking query params). */
export function scrubUrl(url: string): string {
  return url
    .replace(/\/\/[^/@\s]+@/g, '//[redacted]@')
    .replace(
      /([?&](?:token|key|secret|password|access_token|streamKey)=)[^&#\s]*/gi,
      '$1[redacted]',
    );
}
