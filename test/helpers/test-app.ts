import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import type { Role } from '../../src/common/auth/principal';
import { TokenVerifier } from '../../src/common/auth/token-verifier';
import { createTestDatabase } from './database';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  token: (userId: string, role?: Role, ttlSeconds?: number) => Promise<string>;
  close: () => Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-use';

/** The real application (same wiring as main.ts) on its own fresh database. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = await createTestDatabase();
  const config: AppConfig = {
    ...loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'json',
      ...env,
    }),
    databaseUrl,
  };
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.init();
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    token: (userId, role = 'streamer', ttl) =>
      TokenVerifier.sign(TEST_JWT_SECRET, userId, role, ttl),
    close: () => app.close(),
  };
}
