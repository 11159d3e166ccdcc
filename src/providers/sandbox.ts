import { Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { FakeLiveKitServer } from '../../libs/livekit/fake';
import { createPlatformFakes, PlatformFakes } from '../../libs/platforms';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export const SANDBOX = Symbol('SANDBOX');

/**
 * With no provider credentials, the service runs against its own provider fakes,
 * in-process, so a newcomer can try the whole product on one machine. With real
 * credentials the sandbox is off.
 */
export interface Sandbox extends Pick<OnApplicationShutdown, 'onApplicationShutdown'> {
  enabled: boolean;
  cloudflare?: { baseUrl: string; apiToken: string; accountId: string };
  fake?: CloudflareFake;
  livekit?: { url: string; apiKey: string; apiSecret: string; server: FakeLiveKitServer };
  platforms?: PlatformFakes;
  webhookSecret?: string;
  streamWebhookSecret?: string;
}

export const sandboxProvider: Provider = {
  provide: SANDBOX,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig): Promise<Sandbox> => {
    if (config.cloudflare.apiToken)
      return { enabled: false, onApplicationShutdown: async () => undefined };
    const webhookSecret = randomBytes(16).toString('hex');
    const streamWebhookSecret = randomBytes(16).toString('hex');
    const local = `http://127.0.0.1:${config.http.port}`;
    const fake = await createCloudflareFake({
      port: 0,
      webhookUrl: `${local}/webhooks/cloudflare/live-input`,
      webhookSecret,
      videoWebhookUrl: `${local}/webhooks/cloudflare/video`,
      videoWebhookSecret: streamWebhookSecret,
    });
    let livekit: Sandbox['livekit'];
    if (!config.livekit.url) {
      const server = new FakeLiveKitServer({ webhookUrl: `${local}/webhooks/livekit` });
      await server.start(0);
      livekit = { url: server.url, apiKey: server.apiKey, apiSecret: server.apiSecret, server };
    }
    const platforms = await createPlatformFakes();
    new Logger('Sandbox').log(
      `No Cloudflare credentials: sandbox mode, with local fakes of Cloudflare Stream (${fake.origin})` +
        (livekit ? `, LiveKit (${livekit.url})` : '') +
        ' and the chat platforms',
    );
    return {
      enabled: true,
      cloudflare: { baseUrl: fake.url, apiToken: fake.apiToken, accountId: fake.accountId },
      fake,
      livekit,
      platforms,
      webhookSecret,
      streamWebhookSecret,
      onApplicationShutdown: async () => {
        await fake.close();
        await livekit?.server.close();
        await platforms.close();
      },
    };
  },
};
