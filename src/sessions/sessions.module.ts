import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { ChatModule } from '../chat/chat.module';
import { PlatformsModule } from '../platforms/platforms.module';
import { ChatController } from '../chat/chat.controller';
import { IngestController } from '../streams/ingest.controller';
import { StreamsModule } from '../streams/streams.module';
import { SessionTransitionEntity } from './entities/session-transition.entity';
import { SessionEntity } from './entities/session.entity';
import { InputObserver } from './input-observer';
import { ReconcileService } from './reconcile.service';
import { SessionRegistry } from './session-registry';
import { SessionViewService } from './session-view.service';
import { SessionStore } from './session.store';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SessionEntity, SessionTransitionEntity]),
    StreamsModule,
    PlatformsModule,
    BroadcastsModule,
    ChatModule,
  ],
  controllers: [SessionsController, IngestController, ChatController],
  providers: [
    SessionStore,
    SessionRegistry,
    ReconcileService,
    InputObserver,
    SessionViewService,
    SessionsService,
  ],
  exports: [SessionRegistry, SessionStore, SessionViewService, SessionsService, ReconcileService],
})
export class SessionsModule {}
