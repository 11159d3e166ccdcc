import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { PublicStatusModule } from '../public-status/public-status.module';
import { SessionsModule } from '../sessions/sessions.module';
import { LiveGateway } from './live.gateway';
import { PublicGateway } from './public.gateway';

@Module({
  imports: [SessionsModule, ChatModule, PublicStatusModule],
  providers: [LiveGateway, PublicGateway],
})
export class GatewayModule {}
