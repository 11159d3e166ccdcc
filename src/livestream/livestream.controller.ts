import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { TokenVerifier } from '../common/auth/token-verifier';
import { ChatSettingsDto } from './dto/chat-settings.dto';
import { SetupStreamDto } from './dto/setup-stream.dto';
import { UpdateStreamInfoDto } from './dto/update-stream-info.dto';
import { ViewerTokenDto } from './dto/viewer-token.dto';
import { GoLiveService } from './go-live.service';
import {
  BrowserTokenView,
  EndStreamView,
  GoLiveView,
  StreamInfoView,
  StreamStatusView,
} from './livestream.view';
import { optionalPrincipal } from './optional-principal';
import { StreamInfoService } from './stream-info.service';
import { ViewerTokensService } from './viewer-tokens.service';

const NO_STREAM = 'NOT_FOUND: no stream yet (POST /api/stream/setup first)';
const NO_LIVEKIT = 'PROVIDER_UNAVAILABLE: LiveKit is not configured or unreachable';

/** Browser go-live through LiveKit (seed 002), beside the Cloudflare ingest. */
@ApiTags('stream (browser go-live)')
@ApiBearerAuth()
@Controller('api/stream')
export class LivestreamController {
  constructor(
    private readonly info: StreamInfoService,
    private readonly goLive: GoLiveService,
    private readonly viewers: ViewerTokensService,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  @Post('setup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or update my stream (title required) before going live' })
  @ApiOkResponse({ type: StreamInfoView })
  setup(@CurrentUser() me: Principal, @Body() dto: SetupStreamDto): Promise<StreamInfoView> {
    return this.info.setup(me.userId, dto);
  }

  @Get('info')
  @ApiOperation({ summary: 'My stream: title, description, live flag, chat settings' })
  @ApiOkResponse({ type: StreamInfoView })
  @ApiNotFoundResponse({ description: NO_STREAM })
  getInfo(@CurrentUser() me: Principal): Promise<StreamInfoView> {
    return this.info.info(me.userId);
  }

  @Put('info')
  @ApiOperation({ summary: 'Change title and/or description; the live status is kept' })
  @ApiOkResponse({ type: StreamInfoView })
  @ApiNotFoundResponse({ description: NO_STREAM })
  putInfo(@CurrentUser() me: Principal, @Body() dto: UpdateStreamInfoDto): Promise<StreamInfoView> {
    return this.info.updateInfo(me.userId, dto);
  }

  @Put('chat-settings')
  @ApiOperation({ summary: 'Change chat settings; flags left out keep their value' })
  @ApiOkResponse({ type: StreamInfoView })
  @ApiNotFoundResponse({ description: NO_STREAM })
  chatSettings(
    @CurrentUser() me: Principal,
    @Body() dto: ChatSettingsDto,
  ): Promise<StreamInfoView> {
    return this.info.chatSettings(me.userId, dto);
  }

  @Post('go-live')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Get a publish token for my room and mark my stream live. The session becomes ready ' +
      'once my browser publishes a track.',
  })
  @ApiOkResponse({ type: GoLiveView })
  @ApiNotFoundResponse({ description: NO_STREAM })
  @ApiConflictResponse({ description: 'SESSION_BUSY: live through the encoder ingest' })
  @ApiServiceUnavailableResponse({ description: NO_LIVEKIT })
  live(@CurrentUser() me: Principal): Promise<GoLiveView> {
    return this.goLive.goLive(me.userId);
  }

  @Post('end-stream')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End my browser stream: not live any more, restreaming stopped, LiveKit room closed',
  })
  @ApiOkResponse({ type: EndStreamView })
  @ApiNotFoundResponse({ description: NO_STREAM })
  @ApiConflictResponse({ description: 'SESSION_BUSY: restreaming is just starting' })
  @ApiServiceUnavailableResponse({ description: NO_LIVEKIT })
  end(@CurrentUser() me: Principal): Promise<EndStreamView> {
    return this.goLive.endStream(me.userId);
  }

  @Get('status')
  @ApiOperation({ summary: 'My live flag, whether I am publishing, viewers, session state' })
  @ApiOkResponse({ type: StreamStatusView })
  @ApiNotFoundResponse({ description: NO_STREAM })
  status(@CurrentUser() me: Principal): Promise<StreamStatusView> {
    return this.goLive.status(me.userId);
  }

  @Post('viewer-token')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A subscribe-only token for a host room. With a bearer token the identity is my user ' +
      'id; without one it is a guest identity `guest-…`.',
  })
  @ApiOkResponse({ type: BrowserTokenView })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: the host has no stream' })
  @ApiServiceUnavailableResponse({ description: NO_LIVEKIT })
  async viewerToken(
    @Headers('authorization') authorization: string | undefined,
    @Body() dto: ViewerTokenDto,
  ): Promise<BrowserTokenView> {
    return this.viewers.issue(await optionalPrincipal(this.verifier, authorization), dto);
  }
}
