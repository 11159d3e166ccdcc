import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformsModule } from '../platforms/platforms.module';
import { StreamsModule } from '../streams/streams.module';
import { BroadcastsController } from './broadcasts.controller';
import { BroadcastEntity } from './entities/broadcast.entity';
import { OutputEntity } from './entities/output.entity';
import { OutputsService } from './outputs.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([BroadcastEntity, OutputEntity]),
    StreamsModule,
    PlatformsModule,
  ],
  controllers: [BroadcastsController],
  providers: [OutputsService],
  exports: [OutputsService, TypeOrmModule],
})
export class BroadcastsModule {}
