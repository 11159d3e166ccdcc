import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorators';
import { parseUserId } from '../common/http/query';
import type { PublicStatus } from './public-status';
import { PublicStatusService } from './public-status.service';

@ApiTags('public')
@Public()
@Controller('api/streams')
export class PublicStatusController {
  constructor(private readonly status: PublicStatusService) {}

  @Get(':userId/status')
  @Header('Cache-Control', 'public, max-age=5')
  @ApiOperation({
    summary: 'Public stream status: live/offline, health and playback URLs; never a secret',
  })
  get(@Param('userId') userId: string): Promise<PublicStatus> {
    return this.status.get(parseUserId(userId));
  }
}
