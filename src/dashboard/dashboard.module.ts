import {
  DynamicModule,
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ASSETS_PREFIX, DashboardAssetsMiddleware } from './dashboard-assets.middleware';
import { DashboardController } from './dashboard.controller';
import { DevTokenController } from './dev-token.controller';
import { devSignInEnabled } from './dev-sign-in';

/**
 * The built-in dashboard: the streamer page at `/`, the ops console at `/ops`, their
 * scripts under /dashboard, and (outside production) `POST /api/dev/token` for dev sign-in.
 */
@Module({})
export class DashboardModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DashboardModule,
      controllers: [DashboardController, ...(devSignInEnabled(config) ? [DevTokenController] : [])],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(DashboardAssetsMiddleware)
      .forRoutes({ path: `${ASSETS_PREFIX.slice(1)}/{*path}`, method: RequestMethod.GET });
  }
}
