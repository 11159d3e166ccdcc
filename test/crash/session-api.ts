import type { TopState } from '../../src/sessions/machine/session.machine';
import { TokenVerifier } from '../../src/common/auth/token-verifier';
import type { LoggedTransition } from '../property/transition-rules';

export interface SessionViewBody {
  state: TopState;
  substate?: string;
  outputs: { platform: string; status: string }[];
  broadcast?: { id: string };
  failed?: { reason: string };
  health: { degraded: boolean; reasons: string[] };
}

export interface BroadcastBody {
  id: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface ApiReply<T> {
  status: number;
  body: T;
}

/** The service's HTTP API as one streamer (and ops) sees it, with `npm run token`-style tokens. */
export class SessionApi {
  constructor(
    private readonly baseUrl: () => string,
    private readonly jwtSecret: string,
    readonly userId: string,
  ) {}

  async call<T>(
    method: string,
    path: string,
    body?: object,
    role: 'streamer' | 'ops' = 'streamer',
  ): Promise<ApiReply<T>> {
    const token = await TokenVerifier.sign(
      this.jwtSecret,
      role === 'ops' ? 'ops1' : this.userId,
      role,
    );
    const res = await fetch(`${this.baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async expect<T>(status: number, method: string, path: string, body?: object): Promise<T> {
    const reply = await this.call<T>(method, path, body);
    if (reply.status !== status)
      throw new Error(
        `${method} ${path} as ${this.userId}: ${reply.status} ${JSON.stringify(reply.body)}`,
      );
    return reply.body;
  }

  view(): Promise<SessionViewBody> {
    return this.expect<SessionViewBody>(200, 'GET', '/api/session');
  }

  broadcasts(): Promise<BroadcastBody[]> {
    return this.expect<BroadcastBody[]>(200, 'GET', '/api/broadcasts');
  }

  /** The persisted transition log, oldest first (ops view; the API lists newest first). */
  async transitions(): Promise<LoggedTransition[]> {
    const reply = await this.call<{ transitions: LoggedTransition[] }>(
      'GET',
      `/api/ops/sessions/${this.userId}`,
      undefined,
      'ops',
    );
    if (reply.status !== 200) throw new Error(`ops inspect ${this.userId}: ${reply.status}`);
    return reply.body.transitions.map(({ from, to, reason }) => ({ from, to, reason })).reverse();
  }
}
