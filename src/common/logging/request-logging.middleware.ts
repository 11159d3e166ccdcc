import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { requestContext } from './logger';
import { scrubUrl } from './redaction';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One log line per request (pino-http) with a request id that is taken from
 * `x-request-id` when it is well-formed, echoed back, and attached to every log line
 * written while the request is handled.
 */
export function requestLogging(root: Logger) {
  const http = pinoHttp({
    logger: root.child({ context: 'HTTP' }),
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: scrubUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
    quietReqLogger: true,
  });
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    http(req, res);
    requestContext.run({ reqId: String((req as IncomingMessage & { id: string }).id) }, next);
  };
}
