import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AuthModule } from './common/auth/auth.module';
import { CryptoModule } from './common/crypto/crypto.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpsModule } from './ops/ops.module';
import { PlatformsModule } from './platforms/platforms.module';
import { ProvidersModule } from './providers/providers.module';
import { SessionsModule } from './sessions/sessions.module';
import { ChatModule } from './chat/chat.module';
import { BroadcastsModule } from './broadcasts/broadcasts.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { LivestreamModule } from './livestream/livestream.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { GatewayModule } from './gateway/gateway.module';
import { ClusterModule } from './cluster/cluster.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { PublicStatusModule } from './public-status/public-status.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        MetricsModule,
        HealthModule,
        AuthModule,
        CryptoModule,
        EventsModule,
        ClusterModule,
        ProvidersModule,
        PlatformsModule,
        BroadcastsModule,
        ChatModule,
        SessionsModule,
        OpsModule,
        WebhooksModule,
        LivestreamModule,
        DashboardModule.forRoot(config),
        PublicStatusModule,
        GatewayModule,
        SandboxModule,
      ],
    };
  }
}
