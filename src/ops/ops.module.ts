import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntryEntity } from '../audit/entities/audit-entry.entity';
import { AuditService } from '../audit/audit.service';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { RecordingsModule } from '../recordings/recordings.module';
import { SessionsModule } from '../sessions/sessions.module';
import { OpsController } from './ops.controller';
import { OpsService } from './ops.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([AuditEntryEntity]),
    SessionsModule,
    BroadcastsModule,
    RecordingsModule,
  ],
  controllers: [OpsController],
  providers: [OpsService, AuditService],
})
export class OpsModule {}
