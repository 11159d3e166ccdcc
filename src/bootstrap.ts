import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/http/validation.pipe';
import { PinoNestLogger } from './common/logging/logger';
import { requestLogging } from './common/logging/request-logging.middleware';
import { MetricsService } from './metrics/metrics.service';
import { PostgresIoAdapter } from './gateway/postgres-io.adapter';

/**
 * Builds the Nest application with everything the HTTP surface needs. Shared by
 * `main.ts` and the end-to-end tests so both exercise exactly the same wiring.
 */
export async function createApp(config: AppConfig, logger: Logger): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    // Webhooks verify signatures over the exact bytes received: keep `req.rawBody`.
    rawBody: true,
    abortOnError: false,
  });
  const expressApp = app.getHttpAdapter().getInstance();
  expressApp.disable('x-powered-by');
  expressApp.set('trust proxy', 'loopback');
  app.use(requestLogging(logger));
  const metrics = app.get(MetricsService);
  app.use(
    (
      req: { method: string; route?: { path?: string } },
      res: { statusCode: number; on: (e: string, f: () => void) => void },
      next: () => void,
    ) => {
      const end = metrics.httpDuration.startTimer();
      res.on('finish', () =>
        end({
          method: req.method,
          route: req.route?.path ?? 'unmatched',
          status: String(res.statusCode),
        }),
      );
      next();
    },
  );
  app.useBodyParser('json', { limit: '256kb' });
  if (config.http.corsOrigins.length > 0)
    app.enableCors({ origin: config.http.corsOrigins, credentials: false });
  app.useGlobalFilters(new AllExceptionsFilter(config.nodeId));
  app.useGlobalPipes(createValidationPipe());
  // No enableShutdownHooks(): given no signals Nest listens to all of them and re-raises the
  // signal after closing, racing main.ts's own graceful shutdown (which calls app.close()).
  app.useWebSocketAdapter(
    new PostgresIoAdapter(app, config.databaseUrl!, (err) =>
      logger.warn({ err }, 'Socket.IO Postgres adapter error'),
    ),
  );

  const doc = new DocumentBuilder()
    .setTitle('Stream Supervisor')
    .setDescription(
      'Per-streamer supervised livestream sessions. Errors always have the shape ' +
        '`{ statusCode, error, message, code }` with a stable `code`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  return app;
}
