import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { SandboxChatDto } from './dto/sandbox-chat.dto';
import { SandboxService } from './sandbox.service';

@ApiTags('sandbox')
@ApiBearerAuth()
@Controller('api/sandbox')
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Is this node running against its built-in provider fakes?' })
  info() {
    return this.sandbox.info();
  }

  @Post('platforms')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sandbox: connect the demo Twitch and YouTube accounts of the fakes' })
  platforms(@CurrentUser() me: Principal) {
    return this.sandbox.connectPlatforms(me.userId);
  }

  @Post('encoder/connect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sandbox: the fake encoder connects to my live input' })
  connect(@CurrentUser() me: Principal) {
    return this.sandbox.encoder(me.userId, true);
  }

  @Post('encoder/disconnect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sandbox: the fake encoder disconnects' })
  disconnect(@CurrentUser() me: Principal) {
    return this.sandbox.encoder(me.userId, false);
  }

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sandbox: a viewer says something on every running platform chat' })
  chat(@CurrentUser() me: Principal, @Body() dto: SandboxChatDto) {
    return this.sandbox.chat(me.userId, dto.text);
  }
}
