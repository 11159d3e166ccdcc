import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { HealthController } from './health.controller';
import { ProviderHealthIndicator } from './provider-health.indicator';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ProviderHealthIndicator, DatabaseHealthIndicator],
  exports: [ProviderHealthIndicator, DatabaseHealthIndicator],
})
export class HealthModule {}
