import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from './app-config';

/**
 * Outside production, a missing JWT secret or encryption key is generated on first run and
 * kept in the data directory, so tokens and encrypted secrets survive restarts. No secret
 * is ever written in the code. Production refuses to start without them (see loadConfig).
 */
export function withDevSecrets(config: AppConfig): AppConfig {
  if (config.nodeEnv === 'production') return config;
  const auth = { ...config.auth };
  if (!auth.jwtSecret && !auth.jwksUrl) {
    auth.jwtSecret = readOrCreateSecret(config.dataDir, 'jwt-secret', () =>
      randomBytes(32).toString('base64url'),
    );
  }
  const secretsKey =
    config.secretsKey ??
    readOrCreateSecret(config.dataDir, 'secrets-key', () => randomBytes(32).toString('base64'));
  return { ...config, auth, secretsKey };
}

function readOrCreateSecret(dir: string, name: string, make: () => string): string {
  const file = path.join(dir, name);
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value) return value;
  } catch {
    // first run
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = make();
  fs.writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}
