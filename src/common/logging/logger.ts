import { AsyncLocalStorage } from 'node:async_hooks';
import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../../config/app-config';
import { redactPaths } from './redaction';

/** Carries the request id into every log line written while a request is handled. */
export const requestContext = new AsyncLocalStorage<{ reqId: string }>();

export function createRootLogger(config: Pick<AppConfig, 'log' | 'nodeId'>): Logger {
  const options: pino.LoggerOptions = {
    level: config.log.level,
    base: { node: config.nodeId },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { reqId: ctx.reqId } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (config.log.format === 'pretty') {
    return pino(
      options,
      pretty({
        sync: true,
        colorize: true,
        ignore: 'pid,hostname,node,context',
        messageFormat: '{if context}[{context}] {end}{msg}',
        translateTime: 'SYS:HH:MM:ss.l',
      }),
    );
  }
  return pino(options);
}

/** Nest's routine wiring messages: useful when debugging start-up, noise otherwise. */
const FRAMEWORK_CHATTER = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'WebSocketsController',
]);

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/** Nest's LoggerService on top of pino, so framework and application logs share one stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  private write(requested: Level, message: unknown, params: unknown[]): void {
    let context: string | undefined;
    const rest = [...params];
    if (typeof rest[rest.length - 1] === 'string') context = rest.pop() as string;
    const level: Level =
      requested === 'info' && context && FRAMEWORK_CHATTER.has(context) ? 'debug' : requested;
    const logger = context ? this.root.child({ context }) : this.root;
    if (message instanceof Error) {
      logger[level]({ err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      logger[level](
        message as object,
        typeof rest[0] === 'string' ? (rest[0] as string) : undefined,
      );
    } else if (level === 'error' && typeof rest[0] === 'string' && rest[0].includes('\n')) {
      logger.error({ stack: rest[0] }, String(message)); // Nest passes (message, stack, context)
    } else {
      logger[level](String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
