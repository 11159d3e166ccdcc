import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import type { Role } from '../../src/common/auth/principal';
import { TokenVerifier } from '../../src/common/auth/token-verifier';
import type { CloudflareFake } from '../../libs/cloudflare';
import { createTestDatabase } from './database';

export interface TestApp {
  app: INestApplication;
  /** http://127.0.0.1:<port> of the listening app (webhooks from fakes reach it here). */
  baseUrl: string;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  token: (userId: string, role?: Role, ttlSeconds?: number) => Promise<string>;
  close: () => Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-use';

/** Environment that points the real Cloudflare SDK at a fake, with its webhook secrets. */
export function cloudflareEnv(fake: CloudflareFake): Record<string, string> {
  return {
    CLOUDFLARE_API_TOKEN: fake.apiToken,
    CLOUDFLARE_ACCOUNT_ID: fake.accountId,
    CLOUDFLARE_BASE_URL: fake.url,
    CLOUDFLARE_WEBHOOK_SECRET: fake.config.webhookSecret,
    CLOUDFLARE_STREAM_WEBHOOK_SECRET: fake.config.videoWebhookSecret,
    CLOUDFLARE_MAX_RETRIES: '0',
    CLOUDFLARE_TIMEOUT: '2s',
  };
}

/**
 * The real application (same wiring as main.ts) on its own fresh database, listening on
 * a free loopback port. With `fake`, Cloudflare is that fake and its webhooks reach the app.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  fake?: CloudflareFake,
): Promise<TestApp> {
  const databaseUrl = env.DATABASE_URL ?? (await createTestDatabase());
  const config: AppConfig = {
    ...loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'json',
      ...(fake ? cloudflareEnv(fake) : {}),
      ...env,
    }),
    databaseUrl,
  };
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  const baseUrl = await app
    .getUrl()
    .then((u) => u.replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1'));
  if (fake) {
    fake.configure({
      webhookUrl: `${baseUrl}/webhooks/cloudflare/live-input`,
      videoWebhookUrl: `${baseUrl}/webhooks/cloudflare/video`,
    });
  }
  return {
    app,
    baseUrl,
    config,
    http: () => request(app.getHttpServer()),
    token: (userId, role = 'streamer', ttl) =>
      TokenVerifier.sign(TEST_JWT_SECRET, userId, role, ttl),
    close: () => app.close(),
  };
}
