import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';

function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url)
    throw new Error(
      'TEST_PG_ADMIN_URL is not set: run the tests through jest (globalSetup starts PostgreSQL)',
    );
  return url;
}

/** Creates an empty database for one test file on the run's real PostgreSQL. */
export async function createTestDatabase(): Promise<string> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated DataSource on a fresh database, for service-level ("medium") tests. */
export async function createTestDataSource(): Promise<DataSource> {
  const ds = new DataSource({
    ...dataSourceOptions(await createTestDatabase()),
    migrationsRun: true,
  });
  await ds.initialize();
  await ds.runMigrations();
  return ds;
}
