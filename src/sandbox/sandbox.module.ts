import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { PlatformsModule } from '../platforms/platforms.module';
import { StreamsModule } from '../streams/streams.module';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [StreamsModule, PlatformsModule, ChatModule],
  controllers: [SandboxController],
  providers: [SandboxService],
})
export class SandboxModule {}
