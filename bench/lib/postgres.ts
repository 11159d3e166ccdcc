import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { onCleanup } from './children';
import { freePort } from '../../test/helpers/free-port';

/** One embedded PostgreSQL for the whole bench run; each scenario run gets a fresh database. */
export class BenchPostgres {
  private constructor(
    private readonly db: EmbeddedDatabase,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<BenchPostgres> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ss-bench-pg-'));
    const db = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    const pg = new BenchPostgres(db, dataDir);
    onCleanup(() => pg.stop());
    return pg;
  }

  async createDatabase(prefix: string): Promise<string> {
    const name = `${prefix}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/g, '_');
    const client = new Client({ connectionString: this.db.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    const url = new URL(this.db.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async stop(): Promise<void> {
    await this.db.stop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** One query on a database, with a short-lived connection. */
export async function queryOne<T>(url: string, sql: string, params: unknown[] = []): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows[0] as T;
  } finally {
    await client.end();
  }
}
