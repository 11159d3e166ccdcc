import { Provider } from '@nestjs/common';
import { LIVEKIT, LiveKitAdapter, LiveKitPort } from '../../libs/livekit';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SANDBOX, Sandbox } from './sandbox';

/** LiveKit (browser go-live): the configured server, the sandbox fake, or absent (null). */
export const livekitProvider: Provider = {
  provide: LIVEKIT,
  inject: [APP_CONFIG, SANDBOX],
  useFactory: (c: AppConfig, sandbox: Sandbox): LiveKitPort | null => {
    const lk = c.livekit.url
      ? { url: c.livekit.url, apiKey: c.livekit.apiKey!, apiSecret: c.livekit.apiSecret! }
      : sandbox.livekit;
    if (!lk) return null;
    return new LiveKitAdapter({
      host: lk.url,
      wsUrl: c.livekit.wsUrl ?? lk.url.replace(/^http/, 'ws'),
      apiKey: lk.apiKey,
      apiSecret: lk.apiSecret,
      tokenTtlSeconds: Math.round(c.livekit.tokenTtlMs / 1000),
    });
  },
};
