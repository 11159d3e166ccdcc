import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { SessionsModule } from '../sessions/sessions.module';
import { StreamsModule } from '../streams/streams.module';
import { CloudflareInputEventsService } from './cloudflare-input-events.service';
import { CloudflareWebhooksController } from './cloudflare-webhooks.controller';

@Module({
  imports: [SessionsModule, StreamsModule, RecordingsModule],
  controllers: [CloudflareWebhooksController],
  providers: [CloudflareInputEventsService],
})
export class WebhooksModule {}
