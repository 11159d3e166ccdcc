import { Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { resolvePublicDir } from './dashboard-files';
import { setDashboardHeaders } from './security-headers';

/** URL prefix of the dashboard's scripts and stylesheet. */
export const ASSETS_PREFIX = '/dashboard';

/**
 * Serves `src/dashboard/public` under /dashboard with express.static: ETags, conditional
 * GETs, no directory listings, no dotfiles. Unknown files fall through to the API's 404.
 */
@Injectable()
export class DashboardAssetsMiddleware implements NestMiddleware {
  private readonly serve = express.static(resolvePublicDir(), {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    fallthrough: true,
    etag: true,
    lastModified: true,
    setHeaders: (res) => setDashboardHeaders(res),
  });

  use(req: Request, res: Response, next: NextFunction): void {
    // Express may or may not strip the mount path depending on how Nest registered it:
    // derive the file path from the original URL so both work.
    const original = req.originalUrl ?? req.url;
    if (!original.startsWith(`${ASSETS_PREFIX}/`)) return next();
    const url = req.url;
    req.url = original.slice(ASSETS_PREFIX.length);
    this.serve(req, res, (err?: unknown) => {
      req.url = url;
      next(err);
    });
  }
}
