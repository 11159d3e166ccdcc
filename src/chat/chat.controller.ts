import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { parseLimit, parseTime } from '../common/http/query';
import { SessionRegistry } from '../sessions/session-registry';
import { ChatSendService } from './chat-send.service';
import { ChatService } from './chat.service';
import { SendChatDto } from './dto/send-chat.dto';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('api/chat')
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly sender: ChatSendService,
    private readonly registry: SessionRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Unified chat history, newest first' })
  @ApiQuery({
    name: 'before',
    required: false,
    description: 'ISO 8601: only events before this time',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  history(
    @CurrentUser() me: Principal,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ) {
    return this.chat.history(me.userId, parseTime(before, 'before'), parseLimit(limit, 50, 500));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a message to all (or the named) platforms; one result per platform',
  })
  async send(@CurrentUser() me: Principal, @Body() dto: SendChatDto) {
    // The platform connections live with the session's owner node; elsewhere this throws
    // NotOwnerError and the request is replayed there.
    await this.registry.get(me.userId);
    return this.sender.send(me.userId, dto.text, dto.platforms);
  }
}
