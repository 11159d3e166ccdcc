import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { StreamsModule } from '../streams/streams.module';
import { PublicStatusController } from './public-status.controller';
import { PublicStatusService } from './public-status.service';

@Module({
  imports: [SessionsModule, StreamsModule],
  controllers: [PublicStatusController],
  providers: [PublicStatusService],
  exports: [PublicStatusService],
})
export class PublicStatusModule {}
