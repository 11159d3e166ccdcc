import type { AppConfig } from '../config/app-config';

/** Dev sign-in mints HS256 tokens, so it needs the secret, and it is never on in production. */
export function devSignInEnabled(config: AppConfig): boolean {
  return config.nodeEnv !== 'production' && Boolean(config.auth.jwtSecret);
}
