import { loadConfig } from './app-config';
import { ConfigError } from './env-parsers';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe(loadConfig.name, () => {
  it('has working defaults for local development', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.nodeEnv).toBe('development');
    expect(c.log.format).toBe('pretty');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\.data$/);
    expect(c.session.disconnectGraceMs).toBe(300_000);
    expect(c.session.maxConcurrentUsers).toBe(1000);
    expect(c.supervisor).toEqual({ maxRestarts: 3, restartWindowMs: 5000, restartBackoffMs: 100 });
    expect(c.cloudflare.budgetRequests).toBe(1200);
  });

  it('parses durations in ms, s, m and h', () => {
    expect(loadConfig({ STREAM_DISCONNECT_TIMEOUT: '90s' }).session.disconnectGraceMs).toBe(90_000);
    expect(loadConfig({ STREAM_DISCONNECT_TIMEOUT: '2m' }).session.disconnectGraceMs).toBe(120_000);
    expect(loadConfig({ STREAM_DISCONNECT_TIMEOUT: '1500' }).session.disconnectGraceMs).toBe(1500);
    expect(loadConfig({ SESSION_IDLE_TIMEOUT: '1h' }).session.idleTimeoutMs).toBe(3_600_000);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be an integer from 0 to 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT must be an integer/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error/],
    [{ STREAM_DISCONNECT_TIMEOUT: 'soon' }, /^STREAM_DISCONNECT_TIMEOUT must be a duration/],
    [
      { DATABASE_URL: 'mysql://x' },
      /^DATABASE_URL must be a URL starting with postgres: or postgresql:$/,
    ],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32 characters long$/],
    [{ SECRETS_KEY: 'not-a-key' }, /^SECRETS_KEY must be 32 bytes/],
    [
      { CLOUDFLARE_API_TOKEN: 'tok' },
      /^CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID must be set together$/,
    ],
  ])('names the variable and what it expects: %j', (env, expected) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  it('never echoes a secret or a database URL in its message', () => {
    const found = problems({ JWT_SECRET: 'hunter2', DATABASE_URL: 'mysql://u:pa55word@h/db' });
    expect(found.join(' ')).not.toMatch(/hunter2|pa55word/);
  });

  it('refuses production without a JWT secret or JWKS and without an encryption key', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found).toEqual([
      expect.stringMatching(/^JWT_SECRET .* or JWT_JWKS_URL must be set when NODE_ENV=production$/),
      expect.stringMatching(/^SECRETS_KEY .* must be set when NODE_ENV=production$/),
    ]);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(32),
        SECRETS_KEY: 'a'.repeat(64),
      }).log.format,
    ).toBe('json');
  });
});
