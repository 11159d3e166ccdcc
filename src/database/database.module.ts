import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '../../ormconfig';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** TypeORM over the ormconfig DataSource; pending migrations run at start, never `synchronize`. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.databaseUrl)
          throw new Error('databaseUrl must be resolved before the app starts');
        const options = dataSourceOptions(config.databaseUrl);
        return {
          ...options,
          extra: {
            ...(options as { extra?: object }).extra,
            // An error listener for each client's whole life. pg listens while a client is
            // idle in the pool and TypeORM while it is checked out, but not in the gaps
            // between (nor after TypeORM has released a broken client): a chaos run had a
            // node end on an unhandled 'error' (57P01, the server shutting down) from a
            // client that had none. The client's next query fails and the pool drops it.
            onConnect: (client: { on(event: 'error', fn: (err: Error) => void): void }) =>
              client.on('error', (err) =>
                logger.warn({ err: err.message }, 'A database connection was lost'),
              ),
          },
          migrationsRun: true,
          retryAttempts: 3,
          retryDelay: 1000,
        };
      },
    }),
  ],
})
export class DatabaseModule {}

const logger = new Logger('Database');
