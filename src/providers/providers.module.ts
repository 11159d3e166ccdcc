import { Global, Module } from '@nestjs/common';
import { CLOUDFLARE_STREAM } from '../../libs/cloudflare';
import { LIVEKIT } from '../../libs/livekit';
import { CLOUDFLARE_BUDGET, cloudflareProviders } from './cloudflare.provider';
import { livekitProvider } from './livekit.provider';
import { platformChatProvider } from './platforms.provider';
import { PLATFORM_CHAT_PORTS } from '../chat/chat-monitors.service';
import { SANDBOX, sandboxProvider } from './sandbox';

/** Every outside system, bound to its port: the real SDK adapters, or the sandbox fakes. */
@Global()
@Module({
  providers: [sandboxProvider, ...cloudflareProviders, livekitProvider, platformChatProvider],
  exports: [SANDBOX, CLOUDFLARE_STREAM, CLOUDFLARE_BUDGET, LIVEKIT, PLATFORM_CHAT_PORTS],
})
export class ProvidersModule {}
