import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AuditEntryEntity } from './src/audit/entities/audit-entry.entity';
import { BroadcastEntity } from './src/broadcasts/entities/broadcast.entity';
import { OutputEntity } from './src/broadcasts/entities/output.entity';
import { ChatEventEntity } from './src/chat/entities/chat-event.entity';
import { InitialSchema1764590000000 } from './src/database/migrations/1764590000000-initial-schema';
import { SocketIoAttachments1764600000000 } from './src/database/migrations/1764600000000-socket-io-attachments';
import { OwnershipLeases1764610000000 } from './src/database/migrations/1764610000000-ownership-leases';
import { DropNextCleanupAt1764620000000 } from './src/database/migrations/1764620000000-drop-next-cleanup-at';
import { OpenOutputsByUser1764630000000 } from './src/database/migrations/1764630000000-open-outputs-by-user';
import { ChatEventIdsFromPlatformIds1764640000000 } from './src/database/migrations/1764640000000-chat-event-ids-from-platform-ids';
import { SnakeNamingStrategy } from './src/database/snake-naming.strategy';
import { PlatformConnectionEntity } from './src/platforms/entities/platform-connection.entity';
import { SessionTransitionEntity } from './src/sessions/entities/session-transition.entity';
import { SessionEntity } from './src/sessions/entities/session.entity';
import { StreamEntity } from './src/streams/entities/stream.entity';

export const ENTITIES = [
  StreamEntity,
  PlatformConnectionEntity,
  SessionEntity,
  SessionTransitionEntity,
  BroadcastEntity,
  OutputEntity,
  ChatEventEntity,
  AuditEntryEntity,
];
export const MIGRATIONS = [
  InitialSchema1764590000000,
  SocketIoAttachments1764600000000,
  OwnershipLeases1764610000000,
  DropNextCleanupAt1764620000000,
  OpenOutputsByUser1764630000000,
  ChatEventIdsFromPlatformIds1764640000000,
];

/**
 * The one DataSource definition, shared by the application, the tests and the TypeORM
 * CLI (`npm run migration:run`). Schema changes only ever happen through migrations.
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: 20, connectionTimeoutMillis: 5000 },
    logging: false,
  };
}

export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/stream_supervisor'),
);
