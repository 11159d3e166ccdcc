import { TokenVerifier } from '../../src/common/auth/token-verifier';

export const BENCH_JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-use';
export const BENCH_SECRETS_KEY = Buffer.alloc(32, 5).toString('base64');
export const OPS_USER = 'bench-ops';

export interface Reply<T> {
  status: number;
  body: T;
}

/** The service's HTTP API as the bench's streamers and its ops user see it. */
export class BenchApi {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly baseUrl: () => string) {}

  token(userId: string, role: 'streamer' | 'ops' = 'streamer'): Promise<string> {
    const key = `${role}:${userId}`;
    let t = this.tokens.get(key);
    if (!t) {
      t = TokenVerifier.sign(BENCH_JWT_SECRET, userId, role, 6 * 3600);
      this.tokens.set(key, t);
    }
    return t;
  }

  async call<T>(
    userId: string,
    method: string,
    path: string,
    body?: object,
    role: 'streamer' | 'ops' = 'streamer',
  ): Promise<Reply<T>> {
    const res = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.token(userId, role)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async expect<T>(status: number, userId: string, method: string, path: string, body?: object) {
    const r = await this.call<T>(userId, method, path, body);
    if (r.status !== status)
      throw new Error(`${method} ${path} as ${userId}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  ops<T>(path: string): Promise<T> {
    return this.call<T>(OPS_USER, 'GET', path, undefined, 'ops').then((r) => {
      if (r.status !== 200) throw new Error(`GET ${path} as ops: ${r.status}`);
      return r.body;
    });
  }
}

export interface SessionViewBody {
  state: 'offline' | 'ready' | 'streaming' | 'ending';
  substate?: string;
  outputs: { platform: string; status: string }[];
  platforms: { platform: string; connected: boolean; chat: string }[];
}

export interface OpsSessionItem {
  userId: string;
  state: string;
  substate: string | null;
  resident: boolean;
  lastReconciledAt: string | null;
}
