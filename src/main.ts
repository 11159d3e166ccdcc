import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { createApp } from './bootstrap';
import { AppConfig, loadConfig } from './config/app-config';
import { withDevSecrets } from './config/dev-secrets';
import { ConfigError } from './config/env-parsers';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';
import { createRootLogger } from './common/logging/logger';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = withDevSecrets(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.problems.join('; ')}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createRootLogger(config);
  const step = (msg: string) => logger.info({ context: 'Startup' }, msg);

  step(
    `Stream Supervisor starting (node ${process.version}, ${config.nodeEnv}, node id ${config.nodeId})`,
  );
  let embedded: EmbeddedDatabase | undefined;
  let app: INestApplication | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    step(
      `${signal} received: draining connections; live streams keep running and resume on restart`,
    );
    const force = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    try {
      await app?.close();
      await embedded?.stop();
      step('Shutdown complete');
      logger.flush();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'Shutdown failed');
      process.exit(1);
    }
  };
  // embedded-postgres installs its own exit hook (async-exit-hook) that stops the cluster
  // and exits on SIGTERM/SIGINT, racing this graceful shutdown; the database is stopped
  // here instead, after the app has closed.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  if (!config.databaseUrl) {
    step(`No DATABASE_URL: using embedded PostgreSQL with data in ${config.dataDir}`);
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPostgresPort,
      onProgress: step,
    });
    config = { ...config, databaseUrl: embedded.url };
  } else {
    step('Using the database at DATABASE_URL');
  }

  step('Connecting to the database and running migrations');
  try {
    app = await createApp(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'Start-up failed');
    await embedded?.stop();
    process.exit(1);
  }
  if (stopping) return; // a signal arrived during start-up: shutdown is under way
  await app.listen(config.http.port, config.http.host);

  const url = config.http.publicUrl;
  step(`Listening on ${url}`);
  step(`  Dashboard:  ${url}/`);
  step(`  API docs:   ${url}/docs`);
  step(`  Health:     ${url}/health/ready`);
  if (config.auth.jwtSecret && config.nodeEnv !== 'production') {
    step('  Dev token:  npm run token -- <userId> [--ops]');
  }
}

void main().catch((err: unknown) => {
  console.error(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
