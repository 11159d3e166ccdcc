import { Global, Module } from '@nestjs/common';
import { CLOUDFLARE_STREAM } from '../../libs/cloudflare';
import { CLOUDFLARE_BUDGET, cloudflareProviders } from './cloudflare.provider';
import { SANDBOX, sandboxProvider } from './sandbox';

/** Every outside system, bound to its port: the real SDK adapters, or the sandbox fakes. */
@Global()
@Module({
  providers: [sandboxProvider, ...cloudflareProviders],
  exports: [SANDBOX, CLOUDFLARE_STREAM, CLOUDFLARE_BUDGET],
})
export class ProvidersModule {}
