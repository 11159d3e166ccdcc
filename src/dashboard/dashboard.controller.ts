import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { resolvePublicDir } from './dashboard-files';
import { devSignInEnabled } from './dev-sign-in';
import { DashboardConfigView } from './dashboard-config.view';
import { setDashboardHeaders } from './security-headers';

/** The dashboard's two pages and the one public fact they need before signing in. */
@ApiTags('dashboard')
@Public()
@Controller()
export class DashboardController {
  private readonly root = resolvePublicDir();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @ApiExcludeEndpoint()
  streamer(@Res() res: Response): void {
    this.page(res, 'index.html');
  }

  @Get('ops')
  @ApiExcludeEndpoint()
  ops(@Res() res: Response): void {
    this.page(res, 'ops.html');
  }

  @Get('api/dashboard/config')
  @ApiOperation({ summary: 'What the dashboard needs before sign-in (no auth, no secrets)' })
  @ApiOkResponse({ type: DashboardConfigView })
  dashboardConfig(): DashboardConfigView {
    return { devSignIn: devSignInEnabled(this.config) };
  }

  private page(res: Response, file: string): void {
    setDashboardHeaders(res);
    res.sendFile(file, { root: this.root, etag: true, lastModified: true });
  }
}
