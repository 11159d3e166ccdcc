/**
 * Prints a bearer token for local use: `npm run token -- <userId> [--ops] [--ttl 12h]`.
 * Uses JWT_SECRET, or the development secret kept in the data directory.
 */
import { loadConfig } from '../src/config/app-config';
import { withDevSecrets } from '../src/config/dev-secrets';
import { EnvReader } from '../src/config/env-parsers';
import { TokenVerifier } from '../src/common/auth/token-verifier';

async function run(): Promise<void> {
  const args = process.argv.slice(2);
  const userId = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--ttl');
  if (!userId) {
    console.error('usage: npm run token -- <userId> [--ops] [--ttl 12h]');
    process.exit(2);
  }
  const ttlArg = args[args.indexOf('--ttl') + 1];
  const ttlMs = args.includes('--ttl')
    ? new EnvReader({ TTL: ttlArg }).duration('TTL', 0, 1000)
    : 12 * 3600_000;
  const config = withDevSecrets(loadConfig());
  if (!config.auth.jwtSecret) {
    console.error('No JWT_SECRET: tokens for a JWKS setup come from your identity provider.');
    process.exit(2);
  }
  const role = args.includes('--ops') ? 'ops' : 'streamer';
  console.log(
    await TokenVerifier.sign(config.auth.jwtSecret, userId, role, Math.floor(ttlMs / 1000)),
  );
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
