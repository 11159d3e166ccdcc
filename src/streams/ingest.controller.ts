import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { ApiError } from '../common/errors/api-error';
import { SessionRegistry } from '../sessions/session-registry';
import { IngestService } from './ingest.service';
import { IngestView } from './ingest.view';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/ingest')
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly registry: SessionRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My ingest credentials (RTMPS, SRT, WHIP), keys masked' })
  @ApiOkResponse({ type: IngestView })
  view(@CurrentUser() me: Principal): Promise<IngestView> {
    return this.ingest.view(me.userId);
  }

  @Post('reveal')
  @HttpCode(200)
  @ApiOperation({ summary: 'My ingest credentials in full (the only route that shows the key)' })
  @ApiOkResponse({ type: IngestView })
  reveal(@CurrentUser() me: Principal): Promise<IngestView> {
    return this.ingest.view(me.userId, true);
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'New ingest credentials (a new live input); refused while live' })
  @ApiOkResponse({ type: IngestView })
  async rotate(@CurrentUser() me: Principal): Promise<IngestView> {
    // Decided by the owner: on another node the request is forwarded there (NotOwnerError).
    const state = (await this.registry.existing(me.userId))?.state;
    if (state === 'streaming' || state === 'ending') {
      throw ApiError.conflict(
        'SESSION_BUSY',
        'Ingest cannot be rotated while a stream is live or ending',
        { state },
      );
    }
    return this.ingest.toView(await this.ingest.rotate(me.userId), true);
  }
}
