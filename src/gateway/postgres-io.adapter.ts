import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Pool, PoolClient } from 'pg';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO over @socket.io/postgres-adapter: broadcasts reach sockets on every node that
 * shares the database (LISTEN/NOTIFY), with no cluster protocol of our own.
 */
export class PostgresIoAdapter extends IoAdapter {
  private pool?: Pool;
  private readonly servers = new Set<Server>();
  private closing = false;
  /** Clients the adapter took with `connect` (its LISTEN client), until released. */
  private readonly listenClients = new Set<PoolClient>();

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
      const pool = new Pool({
        connectionString: this.databaseUrl,
        max: 3,
        connectionTimeoutMillis: 5000,
      });
      this.pool = pool;
      pool.on('error', (err) => this.report(err));
      // The adapter keeps one client checked out for LISTEN; pg only guards idle clients,
      // so a connection lost while it is checked out (e.g. the database stopping during
      // shutdown) would otherwise be an uncaught 'error' event.
      // When that connection ends the adapter takes a new one but never releases the dead
      // one, which keeps its slot: after two database restarts the pool was full of dead
      // clients, every publish waited forever, and no event reached any socket. A client
      // that ends while checked out is released here, with an error, so the pool drops it.
      const checkedOut = new Set<PoolClient>();
      pool.on('acquire', (client) => checkedOut.add(client));
      pool.on('release', (_err, client) => {
        checkedOut.delete(client);
        this.listenClients.delete(client);
      });
      pool.on('remove', (client) => {
        checkedOut.delete(client);
        this.listenClients.delete(client);
      });
      pool.on('connect', (client) => {
        client.on('error', (err) => this.report(err));
        client.once('end', () => {
          if (!checkedOut.has(client)) return;
          checkedOut.delete(client);
          try {
            client.release(new Error('connection ended while checked out'));
          } catch {
            // Released meanwhile: the pool has dealt with it.
          }
        });
      });
    }
    server.adapter(
      createAdapter(this.adapterPool(this.pool), {
        errorHandler: (err) => this.report(err),
        heartbeatInterval: 5000,
      }),
    );
    this.servers.add(server);
    return server;
  }

  /**
   * The pool as the adapter sees it (it only calls `connect` and `query`). The adapter
   * takes its LISTEN client in the background from its constructor on, and `close()`
   * cannot stop that once started: a client that arrived after close stayed checked out,
   * and `pool.end()` waited for it forever (an app closed soon after starting, on a
   * loaded machine, never finished closing). After close, a client that arrives is
   * destroyed and the adapter's connect never settles, which also ends its reconnect loop.
   */
  private adapterPool(pool: Pool): Pool {
    const never = new Promise<never>(() => undefined);
    return {
      connect: async () => {
        if (this.closing) return never;
        const client = await pool.connect();
        if (!this.closing) {
          this.listenClients.add(client);
          return client;
        }
        client.release(new Error('the Socket.IO adapter is closing'));
        return never;
      },
      query: (...args: Parameters<Pool['query']>) =>
        this.closing
          ? Promise.reject(new Error('the Socket.IO adapter is closing'))
          : (pool.query as (...a: unknown[]) => unknown).apply(pool, args),
    } as unknown as Pool;
  }

  /** Nest closes namespaces, not the server: close the servers and the adapter's pool here. */
  override async dispose(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.servers].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    this.servers.clear();
    // The LISTEN client may still be on its way into the adapter (see adapterPool), out
    // of close()'s reach: end it here, or pool.end() would wait for it.
    for (const client of [...this.listenClients]) {
      this.listenClients.delete(client);
      try {
        client.release(new Error('the Socket.IO adapter is closing'));
      } catch {
        // Released meanwhile.
      }
    }
    await this.pool?.end().catch(() => undefined);
    this.pool = undefined;
  }

  private report(err: Error): void {
    if (!this.closing) this.onError(err);
  }
}
