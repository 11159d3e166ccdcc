import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformsModule } from '../platforms/platforms.module';
import { ChatMonitorsService } from './chat-monitors.service';
import { ChatSendService } from './chat-send.service';
import { ChatService } from './chat.service';
import { ChatEventEntity } from './entities/chat-event.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ChatEventEntity]), PlatformsModule],
  providers: [ChatService, ChatMonitorsService, ChatSendService],
  exports: [ChatService, ChatMonitorsService, ChatSendService],
})
export class ChatModule {}
