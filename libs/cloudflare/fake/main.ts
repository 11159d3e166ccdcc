import { createCloudflareFake } from './cloudflare-fake';

/**
 * Runs the Cloudflare Stream fake by hand:
 *   FAKE_CLOUDFLARE_PORT=8787 node -r ts-node/register/transpile-only libs/cloudflare/fake/main.ts
 * Optional: FAKE_CLOUDFLARE_WEBHOOK_URL, FAKE_CLOUDFLARE_VIDEO_WEBHOOK_URL,
 * FAKE_CLOUDFLARE_WEBHOOK_SECRET, FAKE_CLOUDFLARE_VIDEO_WEBHOOK_SECRET, FAKE_CLOUDFLARE_TOKEN,
 * FAKE_CLOUDFLARE_ACCOUNT_ID, FAKE_CLOUDFLARE_STATUS_FORM (string|object).
 */
async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.FAKE_CLOUDFLARE_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `FAKE_CLOUDFLARE_PORT must be an integer from 0 to 65535 (got "${env.FAKE_CLOUDFLARE_PORT}")`,
    );
  }
  const fake = await createCloudflareFake({
    port,
    apiToken: env.FAKE_CLOUDFLARE_TOKEN,
    accountId: env.FAKE_CLOUDFLARE_ACCOUNT_ID,
    webhookUrl: env.FAKE_CLOUDFLARE_WEBHOOK_URL,
    webhookSecret: env.FAKE_CLOUDFLARE_WEBHOOK_SECRET,
    videoWebhookUrl: env.FAKE_CLOUDFLARE_VIDEO_WEBHOOK_URL,
    videoWebhookSecret: env.FAKE_CLOUDFLARE_VIDEO_WEBHOOK_SECRET,
    statusForm: env.FAKE_CLOUDFLARE_STATUS_FORM === 'object' ? 'object' : 'string',
  });
  console.log(`Cloudflare Stream fake listening on ${fake.url}`);
  console.log(`  CLOUDFLARE_BASE_URL=${fake.url}`);
  console.log(`  CLOUDFLARE_ACCOUNT_ID=${fake.accountId}`);
  console.log(`  controls: ${fake.origin}/__fake/state`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
