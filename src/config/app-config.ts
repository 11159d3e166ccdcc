import { hostname } from 'node:os';
import * as path from 'node:path';
import { ConfigError, Env, EnvReader } from './env-parsers';

export type LogFormat = 'json' | 'pretty';
export type NodeEnv = 'development' | 'production' | 'test';

/** The one typed configuration of the service. Every field comes from an environment variable. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  nodeId: string;
  cluster: { leaseTtlMs: number; nodeUrl?: string };
  http: { host: string; port: number; publicUrl: string; corsOrigins: string[] };
  log: { level: string; format: LogFormat };
  /** Absent: an embedded PostgreSQL is started under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPostgresPort: number;
  auth: {
    /** HS256 secret. Absent when JWKS is used; filled from the data directory in development. */
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  /** 32-byte key (base64 or hex) for AES-256-GCM encryption of platform secrets at rest. */
  secretsKey?: string;
  session: {
    disconnectGraceMs: number;
    idleTimeoutMs: number;
    maxConcurrentUsers: number;
    cleanupTimeoutMs: number;
    cleanupRetryBaseMs: number;
    reconcileIntervalMs: number;
    autoReconcileStuck: boolean;
  };
  supervisor: { maxRestarts: number; restartWindowMs: number; restartBackoffMs: number };
  cloudflare: {
    apiToken?: string;
    accountId?: string;
    baseUrl?: string;
    webhookSecret?: string;
    streamWebhookSecret?: string;
    budgetRequests: number;
    budgetWindowMs: number;
    maxRetries: number;
    requestTimeoutMs: number;
    pollFastMs: number;
    pollSlowMs: number;
    /** Customer playback domain, e.g. customer-abc123.cloudflarestream.com. */
    streamDomain?: string;
  };
  livekit: {
    /** HTTP(S) URL of the LiveKit server API. */
    url?: string;
    /** What browsers connect to (wss://…); defaults to `url` with ws(s). */
    wsUrl?: string;
    apiKey?: string;
    apiSecret?: string;
    tokenTtlMs: number;
  };
  /** Endpoints default to the real platforms; override them to point at fakes or proxies. */
  platforms: {
    twitch: {
      clientId?: string;
      clientSecret?: string;
      ircUrl?: string;
      helixUrl?: string;
      oauthUrl?: string;
    };
    youtube: {
      clientId?: string;
      clientSecret?: string;
      dailyQuota: number;
      apiUrl?: string;
      tokenUrl?: string;
    };
    kick: { pusherKey?: string; pusherUrl?: string; apiUrl?: string; websiteUrl?: string };
    facebook: { graphUrl?: string };
  };
  publicStatusFreshMs: number;
  shutdownTimeoutMs: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new EnvReader(env);
  const nodeEnv = r.oneOf<NodeEnv>(
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
  );
  const port = r.int('PORT', 3000, 0, 65535);
  const host = r.string('HOST', '0.0.0.0');
  const config: AppConfig = {
    nodeEnv,
    // Stable across restarts, so a restarted node takes its own sessions back at once.
    nodeId: r.string('NODE_ID', hostname()),
    cluster: { leaseTtlMs: r.duration('LEASE_TTL', 10_000, 1000), nodeUrl: r.url('NODE_URL') },
    http: {
      host,
      port,
      publicUrl: r.url('PUBLIC_URL') ?? `http://localhost:${port}`,
      corsOrigins: (r.string('CORS_ORIGINS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    log: {
      level: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
      format: r.oneOf<LogFormat>(
        'LOG_FORMAT',
        ['json', 'pretty'],
        nodeEnv === 'production' ? 'json' : 'pretty',
      ),
    },
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(r.string('DATA_DIR', './.data')),
    embeddedPostgresPort: r.int('EMBEDDED_PG_PORT', 54329, 1, 65535),
    auth: {
      jwtSecret: r.secret('JWT_SECRET', 32),
      jwksUrl: r.url('JWT_JWKS_URL'),
      issuer: r.string('JWT_ISSUER'),
      audience: r.string('JWT_AUDIENCE'),
    },
    secretsKey: r.secret('SECRETS_KEY'),
    session: {
      disconnectGraceMs: r.duration('STREAM_DISCONNECT_TIMEOUT', 5 * 60_000, 1000),
      idleTimeoutMs: r.duration('SESSION_IDLE_TIMEOUT', 15 * 60_000, 1000),
      maxConcurrentUsers: r.int('MAX_CONCURRENT_USERS', 1000, 1, 1_000_000),
      cleanupTimeoutMs: r.duration('CLEANUP_TIMEOUT', 60_000, 100),
      cleanupRetryBaseMs: r.duration('CLEANUP_RETRY_BASE', 1000, 10),
      reconcileIntervalMs: r.duration('RECONCILE_INTERVAL', 60_000, 100),
      autoReconcileStuck: r.bool('AUTO_RECONCILE_STUCK', false),
    },
    supervisor: {
      maxRestarts: r.int('SUPERVISOR_MAX_RESTARTS', 3, 0, 1000),
      restartWindowMs: r.duration('SUPERVISOR_RESTART_WINDOW', 5000, 1),
      restartBackoffMs: r.duration('SUPERVISOR_RESTART_BACKOFF', 100, 0),
    },
    cloudflare: {
      apiToken: r.secret('CLOUDFLARE_API_TOKEN'),
      accountId: r.string('CLOUDFLARE_ACCOUNT_ID'),
      baseUrl: r.url('CLOUDFLARE_BASE_URL'),
      webhookSecret: r.secret('CLOUDFLARE_WEBHOOK_SECRET'),
      streamWebhookSecret: r.secret('CLOUDFLARE_STREAM_WEBHOOK_SECRET'),
      budgetRequests: r.int('CLOUDFLARE_API_BUDGET', 1200, 1, 1_000_000),
      budgetWindowMs: r.duration('CLOUDFLARE_API_BUDGET_WINDOW', 5 * 60_000, 1000),
      maxRetries: r.int('CLOUDFLARE_MAX_RETRIES', 2, 0, 10),
      requestTimeoutMs: r.duration('CLOUDFLARE_TIMEOUT', 10_000, 100),
      pollFastMs: r.duration('CLOUDFLARE_POLL_FAST', 5_000, 100),
      pollSlowMs: r.duration('CLOUDFLARE_POLL_SLOW', 60_000, 100),
      streamDomain: r.string('CLOUDFLARE_STREAM_DOMAIN'),
    },
    livekit: {
      url: r.url('LIVEKIT_URL'),
      wsUrl: r.url('LIVEKIT_WS_URL', ['ws:', 'wss:']),
      apiKey: r.string('LIVEKIT_API_KEY'),
      apiSecret: r.secret('LIVEKIT_API_SECRET', 16),
      tokenTtlMs: r.duration('LIVEKIT_TOKEN_TTL', 3_600_000, 60_000),
    },
    platforms: {
      twitch: {
        clientId: r.string('TWITCH_CLIENT_ID'),
        clientSecret: r.secret('TWITCH_CLIENT_SECRET'),
        ircUrl: r.url('TWITCH_IRC_URL', ['ws:', 'wss:']),
        helixUrl: r.url('TWITCH_HELIX_URL'),
        oauthUrl: r.url('TWITCH_OAUTH_URL'),
      },
      youtube: {
        clientId: r.string('YOUTUBE_CLIENT_ID'),
        clientSecret: r.secret('YOUTUBE_CLIENT_SECRET'),
        dailyQuota: r.int('YOUTUBE_DAILY_QUOTA', 10_000, 100, 10_000_000),
        apiUrl: r.url('YOUTUBE_API_URL'),
        tokenUrl: r.url('YOUTUBE_TOKEN_URL'),
      },
      kick: {
        pusherKey: r.string('KICK_PUSHER_KEY'),
        pusherUrl: r.url('KICK_PUSHER_URL', ['ws:', 'wss:']),
        apiUrl: r.url('KICK_API_URL'),
        websiteUrl: r.url('KICK_WEBSITE_URL'),
      },
      facebook: { graphUrl: r.url('FACEBOOK_GRAPH_URL') },
    },
    publicStatusFreshMs: r.duration('PUBLIC_STATUS_FRESH', 5_000, 0),
    shutdownTimeoutMs: r.duration('SHUTDOWN_TIMEOUT', 10_000, 100),
  };

  if (config.auth.jwtSecret && config.auth.jwksUrl) {
    r.problems.push('JWT_SECRET and JWT_JWKS_URL are mutually exclusive: set one of them');
  }
  if (nodeEnv === 'production' && !config.auth.jwtSecret && !config.auth.jwksUrl) {
    r.problems.push(
      'JWT_SECRET (32+ characters) or JWT_JWKS_URL must be set when NODE_ENV=production',
    );
  }
  if (nodeEnv === 'production' && !config.secretsKey) {
    r.problems.push('SECRETS_KEY (32 bytes, base64 or hex) must be set when NODE_ENV=production');
  }
  if (config.secretsKey && decodeKey(config.secretsKey) === undefined) {
    r.problems.push('SECRETS_KEY must be 32 bytes encoded as base64 (44 chars) or hex (64 chars)');
  }
  const cf = config.cloudflare;
  if (Boolean(cf.apiToken) !== Boolean(cf.accountId)) {
    r.problems.push('CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID must be set together');
  }
  const lk = config.livekit;
  if (
    [lk.url, lk.apiKey, lk.apiSecret].some(Boolean) &&
    ![lk.url, lk.apiKey, lk.apiSecret].every(Boolean)
  ) {
    r.problems.push('LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set together');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** Decodes a 32-byte key from hex or base64; undefined when it is neither. */
export function decodeKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : undefined;
}
