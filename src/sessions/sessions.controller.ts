import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { PlatformsService } from '../platforms/platforms.service';
import { SetOutputDto, StartSessionDto } from './dto/start-session.dto';
import { SessionsService } from './sessions.service';
import type { SessionView } from './session.view';

@ApiTags('session')
@ApiBearerAuth()
@Controller('api/session')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Activate my session (login hook). Idempotent; provisions my ingest on first use.',
  })
  activate(@CurrentUser() me: Principal): Promise<SessionView> {
    return this.sessions.activate(me.userId);
  }

  @Delete()
  @ApiOperation({
    summary: 'Deactivate my session (logout). A live stream keeps running until it ends.',
  })
  deactivate(@CurrentUser() me: Principal) {
    return this.sessions.deactivate(me.userId);
  }

  @Get()
  @ApiOperation({ summary: 'My session view' })
  view(@CurrentUser() me: Principal): Promise<SessionView> {
    return this.sessions.view(me.userId);
  }

  @Post('start')
  @HttpCode(202)
  @ApiOperation({ summary: 'Go live on the chosen (default: all connected) platforms' })
  @ApiAcceptedResponse({ description: 'Start accepted; outputs are being created' })
  @ApiConflictResponse({ description: 'SESSION_NOT_READY unless the state is ready' })
  start(@CurrentUser() me: Principal, @Body() dto: StartSessionDto): Promise<SessionView> {
    return this.sessions.start(me.userId, dto, 'user');
  }

  @Post('stop')
  @HttpCode(202)
  @ApiOperation({ summary: 'End the stream; outputs are removed and verified gone' })
  @ApiConflictResponse({ description: 'SESSION_NOT_STREAMING unless the state is streaming' })
  stop(@CurrentUser() me: Principal): Promise<SessionView> {
    return this.sessions.stop(me.userId, 'user');
  }

  @Put('outputs/:platform')
  @ApiOperation({ summary: 'Add, pause or resume one platform while live' })
  setOutput(
    @CurrentUser() me: Principal,
    @Param('platform') platform: string,
    @Body() dto: SetOutputDto,
  ): Promise<SessionView> {
    return this.sessions.setOutput(
      me.userId,
      PlatformsService.parsePlatform(platform),
      dto.enabled,
    );
  }
}
