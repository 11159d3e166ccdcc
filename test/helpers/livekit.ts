import { FakeLiveKitServer } from '../../libs/livekit/fake';
import type { TestApp } from './test-app';

/** A started LiveKit fake (real livekit-server-sdk talks to it over Twirp JSON). */
export async function startLiveKitFake(): Promise<FakeLiveKitServer> {
  const fake = new FakeLiveKitServer();
  await fake.start(0);
  return fake;
}

/** Environment that points the app's LiveKit adapter at the fake. */
export function livekitEnv(fake: FakeLiveKitServer): Record<string, string> {
  return {
    LIVEKIT_URL: fake.url,
    LIVEKIT_API_KEY: fake.apiKey,
    LIVEKIT_API_SECRET: fake.apiSecret,
  };
}

/** Sends the fake's webhooks to the app, as LiveKit Cloud would once configured. */
export function routeLiveKitWebhooks(fake: FakeLiveKitServer, t: TestApp): void {
  fake.setWebhookUrl(`${t.baseUrl}/webhooks/livekit`);
}

/** Authenticated request helpers for one user. */
export async function asUser(t: TestApp, userId: string) {
  const token = await t.token(userId);
  const auth = `Bearer ${token}`;
  return {
    get: (path: string) => t.http().get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) =>
      t.http().post(path).set('Authorization', auth).send(body),
    put: (path: string, body: object) => t.http().put(path).set('Authorization', auth).send(body),
  };
}
