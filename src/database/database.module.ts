import { Module } from '@nestjs/common';
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
        return {
          ...dataSourceOptions(config.databaseUrl),
          migrationsRun: true,
          retryAttempts: 3,
          retryDelay: 1000,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
