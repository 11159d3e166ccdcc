import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotOwnerError } from '../../cluster/not-owner.error';
import { forwardToOwner } from '../../cluster/forward-to-owner';
import { ApiError } from './api-error';
import { toErrorBody } from './error-body';

/**
 * The one place errors become responses: the contract's shape, with a stable `code`.
 * A request for a session another node owns is replayed on that node.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly nodeId: string) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof NotOwnerError) {
      const req = host.switchToHttp().getRequest<Request>();
      if (await forwardToOwner(req, res, exception.ownerUrl, this.nodeId)) return;
      exception = ApiError.unavailable(
        'OWNER_UNAVAILABLE',
        `The node that runs this session (${exception.ownerNode}) did not answer; retry shortly`,
      );
    }
    const body = toErrorBody(exception);
    if (body.code === 'DATABASE_UNAVAILABLE' || body.code === 'PROVIDER_UNAVAILABLE') {
      // An outage, not a bug: readiness reports it; one line per request is enough.
      this.logger.warn({ err: String(exception) }, `Request failed: ${body.message}`);
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception }, 'Unhandled error');
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }
}
