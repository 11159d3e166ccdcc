import { io, type Socket } from 'socket.io-client';
import type { SessionViewBody } from '../bench/lib/api';
import type { TransitionEvent } from '../src/events/event-map';
import type { ChaosCluster } from './cluster';
import type { Rng } from './rng';

export type Target = 'offline' | 'ready' | 'streaming';

export interface ChaosUser {
  id: string;
  inputId: string;
  /** Chat replies the service acknowledged (200 with the platform's ok): must be stored. */
  acked: { text: string; platforms: string[] }[];
  /** Transitions a dashboard received, on whichever node it was connected to. */
  observed: TransitionEvent[];
}

/** Platforms every chaos streamer restreams to (each one is a Cloudflare output). */
export const CHAOS_PLATFORMS = ['twitch', 'kick'] as const;

export interface WorkloadStats {
  actions: Record<string, number>;
  /** Answers by status class during the fault phase (503s are expected while faults last). */
  statuses: Record<string, number>;
  dashboardReconnects: number;
}

/**
 * The streamers: each has a session, Twitch and Kick connected (one account per streamer on
 * the fakes), a dashboard socket that follows them across node deaths, and a loop of what
 * streamers do (encoder on and off, Start, Stop, replies in chat) while faults are injected.
 */
export class Workload {
  readonly users: ChaosUser[] = [];
  readonly stats: WorkloadStats = { actions: {}, statuses: {}, dashboardReconnects: 0 };
  private readonly sockets = new Map<string, Socket>();
  private running = false;
  private closed = false;
  private chatSeq = 0;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly rng: Rng,
  ) {}

  async setUp(count: number): Promise<void> {
    const { api, cloudflare, platforms } = this.cluster;
    for (let i = 0; i < count; i++) {
      const id = `chaos-u${i}`;
      const login = `chaos_u${i}`;
      platforms.twitch.addUser(login, String(70_000 + i));
      platforms.twitch.validTokens.add(`tw-token-${i}`);
      const kick = platforms.kick.addChannel({ slug: login, userId: 80_000 + i });
      platforms.kick.tokens.set(`kick-token-${i}`, kick.userId);
      await api.expect(200, id, 'POST', '/api/session');
      await api.expect(200, id, 'PUT', '/api/platforms/twitch', {
        channel: login,
        streamKey: `tw-key-${i}`,
        accessToken: `tw-token-${i}`,
      });
      await api.expect(200, id, 'PUT', '/api/platforms/kick', {
        channel: login,
        streamKey: `kick-key-${i}`,
        accessToken: `kick-token-${i}`,
      });
      const input = [...cloudflare.state.inputs.values()].find((x) => x.meta.userId === id);
      if (!input) throw new Error(`no live input was created for ${id}`);
      const user: ChaosUser = { id, inputId: input.uid, acked: [], observed: [] };
      this.users.push(user);
      await this.connectDashboard(user);
    }
  }

  /** Streamers act until `stop()`; each action is one HTTP call or one encoder change. */
  run(): { stop: () => Promise<void> } {
    this.running = true;
    const loops = this.users.map((u) => this.actLoop(u));
    return {
      stop: async () => {
        this.running = false;
        await Promise.all(loops);
      },
    };
  }

  async view(user: ChaosUser): Promise<SessionViewBody | undefined> {
    const r = await this.cluster.api
      .call<SessionViewBody>(user.id, 'GET', '/api/session')
      .catch(() => undefined);
    return r?.status === 200 ? r.body : undefined;
  }

  inputStatus(user: ChaosUser): string | null {
    return this.cluster.cloudflare.state.inputs.get(user.inputId)?.status ?? null;
  }

  /** One step towards `target`; true when the session is there (provider and service agree). */
  async steer(user: ChaosUser, target: Target): Promise<boolean> {
    const cf = this.cluster.cloudflare;
    const v = await this.view(user);
    if (!v) return false;
    const connected = this.inputStatus(user) === 'connected';
    if (target === 'offline') {
      if (v.state === 'streaming') await this.command(user, 'POST', '/api/session/stop');
      else if (connected) await cf.disconnect(user.inputId).catch(() => undefined);
      return v.state === 'offline' && !connected;
    }
    if (!connected) {
      await cf.connect(user.inputId).catch(() => undefined);
      return false;
    }
    if (target === 'ready') {
      if (v.state === 'streaming') await this.command(user, 'POST', '/api/session/stop');
      return v.state === 'ready';
    }
    if (v.state === 'ready') await this.command(user, 'POST', '/api/session/start', {});
    if (v.state === 'offline') await cf.connect(user.inputId).catch(() => undefined); // resend
    return (
      v.state === 'streaming' &&
      CHAOS_PLATFORMS.every((p) => v.outputs.some((o) => o.platform === p && o.status === 'active'))
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets.values()) s.disconnect();
  }

  private async actLoop(user: ChaosUser): Promise<void> {
    while (this.running) {
      await sleep(this.rng.int(200, 1500));
      if (!this.running) return;
      await this.act(user).catch(() => undefined);
    }
  }

  private async act(user: ChaosUser): Promise<void> {
    const cf = this.cluster.cloudflare;
    const v = await this.view(user);
    const state = v?.state ?? 'unknown';
    const roll = this.rng.next();
    const count = (name: string) =>
      (this.stats.actions[name] = (this.stats.actions[name] ?? 0) + 1);
    if (this.inputStatus(user) !== 'connected') {
      if (roll < 0.7) {
        count('encoder connect');
        await cf.connect(user.inputId);
      }
      return;
    }
    if (state === 'ready') {
      if (roll < 0.55) {
        count('start');
        await this.command(user, 'POST', '/api/session/start', {
          title: `chaos ${user.id}`,
        });
      } else if (roll < 0.7) {
        count('encoder disconnect');
        await cf.disconnect(user.inputId);
      }
    } else if (state === 'streaming') {
      if (roll < 0.12) {
        count('stop');
        await this.command(user, 'POST', '/api/session/stop');
      } else if (roll < 0.2) {
        count('encoder disconnect');
        await cf.disconnect(user.inputId);
      } else if (roll < 0.3) {
        count('encoder blip (reconnect within grace)');
        await cf.disconnect(user.inputId);
        await sleep(this.rng.int(100, 1500));
        await cf.connect(user.inputId);
      } else if (roll < 0.65) {
        count('chat reply');
        await this.reply(user);
      }
    }
  }

  private async reply(user: ChaosUser): Promise<void> {
    const text = `chaos reply ${user.id} #${++this.chatSeq}`;
    const r = await this.command<{ results?: Record<string, { ok?: boolean }> }>(
      user,
      'POST',
      '/api/chat',
      { text },
    );
    if (r?.status !== 200 || !r.body.results) return;
    const platforms = Object.entries(r.body.results)
      .filter(([, res]) => res?.ok)
      .map(([p]) => p);
    if (platforms.length > 0) user.acked.push({ text, platforms });
  }

  private async command<T = unknown>(
    user: ChaosUser,
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; body: T } | undefined> {
    const r = await this.cluster.api.call<T>(user.id, method, path, body).catch(() => undefined);
    const key = r ? `${Math.floor(r.status / 100)}xx` : 'no answer';
    this.stats.statuses[key] = (this.stats.statuses[key] ?? 0) + 1;
    return r;
  }

  /** A dashboard on a random live node; when that node dies it reconnects to another. */
  private async connectDashboard(user: ChaosUser): Promise<void> {
    const token = await this.cluster.api.token(user.id);
    const open = () => {
      if (this.closed) return;
      const nodes = this.cluster.upNodes();
      if (nodes.length === 0) {
        setTimeout(open, 300);
        return;
      }
      const node = nodes[this.rng.int(0, nodes.length - 1)];
      const socket = io(`${node.service.baseUrl}/live`, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        timeout: 5_000,
      });
      this.sockets.set(user.id, socket);
      socket.on('transition', (t: TransitionEvent) => {
        if (t.userId === user.id) user.observed.push(t);
      });
      const again = () => {
        socket.removeAllListeners();
        socket.disconnect();
        if (this.closed) return;
        this.stats.dashboardReconnects++;
        setTimeout(open, 200);
      };
      socket.on('disconnect', again);
      socket.on('connect_error', again);
    };
    open();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
