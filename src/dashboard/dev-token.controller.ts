import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorators';
import { TokenVerifier } from '../common/auth/token-verifier';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DevTokenDto, DevTokenView } from './dto/dev-token.dto';

/**
 * Dev sign-in for the dashboard. Registered only outside production and only with an
 * HS256 secret (see DashboardModule.forRoot): anyone who can reach it can be anyone.
 */
@ApiTags('dev')
@Public()
@Controller('api/dev')
export class DevTokenController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mint a local token for any user and role (not registered in production)',
  })
  @ApiOkResponse({ type: DevTokenView })
  async token(@Body() dto: DevTokenDto): Promise<DevTokenView> {
    // forRoot only registers this controller when the secret exists.
    const secret = this.config.auth.jwtSecret as string;
    return { token: await TokenVerifier.sign(secret, dto.userId, dto.role) };
  }
}
