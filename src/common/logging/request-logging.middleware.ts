import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Level, Logger } from 'pino';
import { requestContext } from './logger';
import { scrubUrl } from './redaction';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes: one line each every few seconds would drown the useful ones. */
const NOT_LOGGED = new Set(['/health/live', '/metrics']);

/**
 * One log line per request, written when the response is finished (or the client went
 * away first), at `info`, `warn` for 4xx and `error` for 5xx. The request id is taken from
 * `x-request-id` when it is well-formed, echoed back, and attached to every log line
 * written while the request is handled.
 *
 * Nothing is built per request unless its line will be written: pino-http made a child
 * logger for every request, and redacting its bindings was 3 % of the service's time on
 * the webhook path, with the line itself below the log level.
 */
export function requestLogging(root: Logger) {
  const log = root.child({ context: 'HTTP' });
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as IncomingMessage & { id: string }).id = id;
    if (!NOT_LOGGED.has(req.url ?? '')) {
      const started = performance.now();
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        const aborted = !res.writableFinished;
        const level: Level =
          res.statusCode >= 500 ? 'error' : res.statusCode >= 400 || aborted ? 'warn' : 'info';
        if (!log.isLevelEnabled(level)) return;
        log[level](
          {
            reqId: id,
            req: { method: req.method, url: scrubUrl(req.url ?? '') },
            res: { statusCode: res.statusCode },
            responseTime: Math.round(performance.now() - started),
          },
          aborted ? 'request aborted' : 'request completed',
        );
      };
      res.on('finish', done);
      res.on('close', done);
    }
    requestContext.run({ reqId: id }, next);
  };
}
