import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from './auth.decorators';
import type { Principal } from './principal';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'Who the bearer token says I am' })
  me(@CurrentUser() principal: Principal): Principal {
    return principal;
  }
}
