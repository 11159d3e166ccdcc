import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Pool } from 'pg';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO over @socket.io/postgres-adapter: broadcasts reach sockets on every node that
 * shares the database (LISTEN/NOTIFY), with no cluster protocol of our own.
 */
export class PostgresIoAdapter extends IoAdapter {
  private pool?: Pool;
  private readonly servers = new Set<Server>();
  private closing = false;

  constructor(
    app: INestApplicationContext,
    private readonly databaseUrl: string,
    private readonly onError: (err: Error) => void,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      serveClient: true,
    } as ServerOptions) as Server;
    if (!this.pool) {
      this.pool = new Pool({ connectionString: this.databaseUrl, max: 3 });
      this.pool.on('error', (err) => this.report(err));
      // The adapter keeps one client checked out for LISTEN; pg only guards idle clients,
      // so a connection lost while it is checked out (e.g. the database stopping during
      // shutdown) would otherwise be an uncaught 'error' event.
      this.pool.on('connect', (client) => client.on('error', (err) => this.report(err)));
    }
    server.adapter(
      createAdapter(this.pool, {
        errorHandler: (err) => this.report(err),
        heartbeatInterval: 5000,
      }),
    );
    this.servers.add(server);
    return server;
  }

  /** Nest closes namespaces, not the server: close the servers and the adapter's pool here. */
  override async dispose(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.servers].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    this.servers.clear();
    await this.pool?.end().catch(() => undefined);
    this.pool = undefined;
  }

  private report(err: Error): void {
    if (!this.closing) this.onError(err);
  }
}
