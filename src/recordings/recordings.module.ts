import { Module } from '@nestjs/common';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { StreamsModule } from '../streams/streams.module';
import { RecordingsService } from './recordings.service';

@Module({
  imports: [BroadcastsModule, StreamsModule],
  providers: [RecordingsService],
  exports: [RecordingsService],
})
export class RecordingsModule {}
