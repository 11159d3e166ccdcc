import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { onCleanup } from '../bench/lib/children';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/database/embedded-postgres';
import { freePort } from '../test/helpers/free-port';

/**
 * A real embedded PostgreSQL that can be stopped and started again on the same data
 * directory and port, so the nodes see a genuine database restart (connections refused,
 * then accepted again with every committed row still there).
 */
export class RestartablePostgres {
  private db?: EmbeddedDatabase;
  private url_ = '';

  private constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  static async start(): Promise<RestartablePostgres> {
    const pg = new RestartablePostgres(
      mkdtempSync(path.join(tmpdir(), 'ss-chaos-pg-')),
      await freePort(),
    );
    onCleanup(() => pg.destroy());
    await pg.up();
    return pg;
  }

  get url(): string {
    return this.url_;
  }

  get running(): boolean {
    return this.db !== undefined;
  }

  async up(): Promise<void> {
    if (this.db) return;
    this.db = await startEmbeddedPostgres({
      dataDir: this.dataDir,
      port: this.port,
      database: 'chaos',
    });
    this.url_ = this.db.url;
  }

  async down(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    await db?.stop();
  }

  async destroy(): Promise<void> {
    await this.down().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
