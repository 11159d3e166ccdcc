import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { PlatformConnectionView, PutPlatformConnectionDto } from './dto/platform-connection.dto';
import { PlatformsService } from './platforms.service';

@ApiTags('platforms')
@ApiBearerAuth()
@Controller('api/platforms')
export class PlatformsController {
  constructor(private readonly platforms: PlatformsService) {}

  @Get()
  @ApiOperation({ summary: 'My platform connections (secrets masked)' })
  @ApiOkResponse({ type: [PlatformConnectionView] })
  list(@CurrentUser() me: Principal): Promise<PlatformConnectionView[]> {
    return this.platforms.list(me.userId);
  }

  @Put(':platform')
  @ApiOperation({ summary: 'Connect or update one platform (twitch, youtube, kick, facebook)' })
  @ApiOkResponse({ type: PlatformConnectionView })
  put(
    @CurrentUser() me: Principal,
    @Param('platform') platform: string,
    @Body() dto: PutPlatformConnectionDto,
  ): Promise<PlatformConnectionView> {
    return this.platforms.put(me.userId, PlatformsService.parsePlatform(platform), dto);
  }

  @Delete(':platform')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect one platform' })
  async remove(@CurrentUser() me: Principal, @Param('platform') platform: string): Promise<void> {
    await this.platforms.remove(me.userId, PlatformsService.parsePlatform(platform));
  }
}
