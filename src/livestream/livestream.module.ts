import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { SessionsModule } from '../sessions/sessions.module';
import { StreamEntity } from '../streams/entities/stream.entity';
import { StreamsModule } from '../streams/streams.module';
import { LiveKitWebhookEventsService } from '../webhooks/livekit-webhook-events.service';
import { LiveKitWebhooksController } from '../webhooks/livekit-webhooks.controller';
import { GoLiveService } from './go-live.service';
import { LiveStreamRecords } from './live-stream.records';
import { LivestreamController } from './livestream.controller';
import { StreamInfoService } from './stream-info.service';
import { ViewerTokensService } from './viewer-tokens.service';
import { webhookRawBody } from './webhook-raw-body.middleware';

/** Browser go-live through LiveKit: the /api/stream routes and LiveKit's webhook. */
@Module({
  imports: [
    TypeOrmModule.forFeature([StreamEntity]),
    StreamsModule,
    SessionsModule,
    BroadcastsModule,
  ],
  controllers: [LivestreamController, LiveKitWebhooksController],
  providers: [
    LiveStreamRecords,
    StreamInfoService,
    GoLiveService,
    ViewerTokensService,
    LiveKitWebhookEventsService,
  ],
})
export class LivestreamModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(webhookRawBody)
      .forRoutes({ path: 'webhooks/livekit', method: RequestMethod.POST });
  }
}
