import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StreamEntity } from './entities/stream.entity';
import { IngestService } from './ingest.service';

@Module({
  imports: [TypeOrmModule.forFeature([StreamEntity])],
  providers: [IngestService],
  exports: [IngestService, TypeOrmModule],
})
export class StreamsModule {}
