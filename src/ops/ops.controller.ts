import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AllowedOriginsDto } from './dto/allowed-origins.dto';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiError } from '../common/errors/api-error';
import { parseLimit, parseUserId } from '../common/http/query';
import { TOP_STATES, TopState } from '../sessions/machine/session.machine';
import { RecordingsService } from '../recordings/recordings.service';
import { OpsService } from './ops.service';

@ApiTags('ops')
@ApiBearerAuth()
@Roles('ops')
@Controller('api/ops')
export class OpsController {
  constructor(
    private readonly ops: OpsService,
    private readonly audit: AuditService,
    private readonly recordings: RecordingsService,
  ) {}

  @Get('sessions')
  @ApiOperation({
    summary:
      'Every session: state, time in state, owner node, child health, stuck flag, last check against the provider (lastReconciledAt)',
  })
  @ApiQuery({ name: 'state', required: false, enum: TOP_STATES })
  @ApiQuery({ name: 'stuck', required: false, type: Boolean })
  list(@Query('state') state?: string, @Query('stuck') stuck?: string) {
    if (state !== undefined && !(TOP_STATES as readonly string[]).includes(state)) {
      throw ApiError.badRequest(
        'VALIDATION_FAILED',
        `state must be one of ${TOP_STATES.join(', ')}`,
      );
    }
    if (stuck !== undefined && stuck !== 'true' && stuck !== 'false') {
      throw ApiError.badRequest('VALIDATION_FAILED', 'stuck must be true or false');
    }
    return this.ops.list({ state: state as TopState | undefined, stuck: stuck === 'true' });
  }

  @Get('sessions/:userId')
  @ApiOperation({
    summary: 'Session view, last 100 transitions, each child with its restart count',
  })
  inspect(@Param('userId', { transform: parseUserId }) userId: string) {
    return this.ops.inspect(userId);
  }

  @Post('sessions/:userId/reconcile')
  @HttpCode(200)
  @ApiOperation({ summary: "Read the provider's truth and move the actor to match (fix status)" })
  reconcile(
    @CurrentUser() me: Principal,
    @Param('userId', { transform: parseUserId }) userId: string,
  ) {
    return this.audit.record(me, 'session.reconcile', userId, {}, () => this.ops.reconcile(userId));
  }

  @Post('sessions/:userId/restart')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Stop the actor and start it again through reconcile; outputs are never leaked or duplicated',
  })
  restart(
    @CurrentUser() me: Principal,
    @Param('userId', { transform: parseUserId }) userId: string,
  ) {
    return this.audit.record(me, 'session.restart', userId, {}, () => this.ops.restart(userId));
  }

  @Post('sessions/:userId/force-stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the stream now and clean up every output' })
  forceStop(
    @CurrentUser() me: Principal,
    @Param('userId', { transform: parseUserId }) userId: string,
  ) {
    return this.audit.record(me, 'session.force-stop', userId, {}, () =>
      this.ops.forceStop(userId),
    );
  }

  @Post('sessions/:userId/sync-recording')
  @HttpCode(200)
  @ApiOperation({ summary: 'Find the recording of the last broadcast and link it' })
  syncRecording(
    @CurrentUser() me: Principal,
    @Param('userId', { transform: parseUserId }) userId: string,
  ) {
    return this.audit.record(me, 'session.sync-recording', userId, {}, () =>
      this.recordings.syncLatest(userId),
    );
  }

  @Post('sessions/:userId/fix-playback')
  @HttpCode(200)
  @ApiOperation({
    summary: "Re-read the newest recording's playback URLs from Cloudflare and store them",
  })
  fixPlayback(
    @CurrentUser() me: Principal,
    @Param('userId', { transform: parseUserId }) userId: string,
  ) {
    return this.audit.record(me, 'session.fix-playback', userId, {}, () =>
      this.recordings.fixPlayback(userId),
    );
  }

  @Post('sessions/:userId/allowed-origins')
  @HttpCode(200)
  @ApiOperation({ summary: "Set the origins allowed to play the input's recordings (fix CORS)" })
  allowedOrigins(
    @CurrentUser() me: Principal,
    @Param('userId', { transform: parseUserId }) userId: string,
    @Body() dto: AllowedOriginsDto,
  ) {
    return this.audit.record(me, 'session.allowed-origins', userId, { origins: dto.origins }, () =>
      this.recordings.setAllowedOrigins(userId, dto.origins),
    );
  }

  @Get('audit')
  @ApiOperation({ summary: 'Who did what to which session, and when' })
  @ApiQuery({ name: 'userId', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  auditLog(@Query('userId') userId?: string, @Query('limit') limit?: string) {
    return this.audit.list({
      targetUserId: userId === undefined ? undefined : parseUserId(userId),
      limit: parseLimit(limit, 100, 1000),
    });
  }
}
