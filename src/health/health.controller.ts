import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { ProviderHealthIndicator } from './provider-health.indicator';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: DatabaseHealthIndicator,
    private readonly providers: ProviderHealthIndicator,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop turns' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 when the database answers and no provider circuit is open; otherwise 503 with
   * Terminus's body, which names what is down: `error.database` carries `queuedWrites`
   * (writes kept in memory until the database is back) and `since`. A degraded node keeps
   * its sessions running, so liveness stays 200: restarting it would lose those writes.
   */
  @Public()
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database answers and no provider circuit is open' })
  async ready(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([() => this.db.check(), () => this.providers.check()]);
    } catch (err) {
      // Answered here rather than by the exception filter: that one would replace the
      // body with the generic error shape and log every probe as an unhandled error.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse();
    }
  }
}
