import { FakeLiveKitServer } from './fake-livekit.server';

/**
 * Runs the fake LiveKit by hand:
 *   FAKE_LIVEKIT_PORT=7880 FAKE_LIVEKIT_WEBHOOK_URL=http://localhost:3000/webhooks/livekit \
 *     node -r ts-node/register/transpile-only libs/livekit/fake/main.ts
 * Point the service at it with LIVEKIT_URL (the printed URL), LIVEKIT_API_KEY and LIVEKIT_API_SECRET.
 */
async function main(): Promise<void> {
  const port = Number(process.env.FAKE_LIVEKIT_PORT ?? 7880);
  const fake = new FakeLiveKitServer({
    apiKey: process.env.FAKE_LIVEKIT_API_KEY,
    apiSecret: process.env.FAKE_LIVEKIT_API_SECRET,
    webhookUrl: process.env.FAKE_LIVEKIT_WEBHOOK_URL,
  });
  const url = await fake.start(port, process.env.FAKE_LIVEKIT_HOST ?? '127.0.0.1');
  console.log(`fake LiveKit listening on ${url} (ws: ${url.replace(/^http/, 'ws')})`);
  console.log(
    `  api key: ${fake.apiKey} (secret from FAKE_LIVEKIT_API_SECRET, or the built-in dev secret)`,
  );
  console.log(
    `  webhooks: ${fake.webhooks.url ?? 'not sent (set FAKE_LIVEKIT_WEBHOOK_URL or POST /__fake/webhook-url)'}`,
  );
  console.log(
    `  controls: POST ${url}/__fake/rooms/<room>/publish {"identity":"<userId>"} and more (see fake-livekit.server.ts)`,
  );
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
