import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type {
  ChatWatchReply,
  ClientRequest,
  ClockReply,
  ConnectReply,
  ReplyEnvelope,
  WebhookLatencyReply,
} from '../client/protocol';
import { onCleanup, track } from './children';
import { epochNow } from './clock';
import { ROOT } from './service';

type ReplyOf<K extends ClientRequest['kind']> = K extends 'connect'
  ? ConnectReply
  : K extends 'webhook-latency'
    ? WebhookLatencyReply
    : K extends 'clock'
      ? ClockReply
      : K extends 'chat-watch'
        ? { watching: true }
        : K extends 'chat-watch-end'
          ? ChatWatchReply
          : { closed: true };

/** The socket client process (bench/client/socket-client.ts), driven over IPC. */
export class ClientProcess {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (b: unknown) => void; reject: (e: Error) => void }
  >();

  constructor() {
    this.child = track(
      fork(path.join(__dirname, '../client/socket-client.ts'), [], {
        cwd: ROOT,
        execArgv: ['-r', 'ts-node/register/transpile-only'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    this.child.on('message', (msg: ReplyEnvelope) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.body);
      else p.reject(new Error(`socket client: ${msg.error}`));
    });
    this.child.once('exit', (code, signal) => {
      for (const p of this.pending.values())
        p.reject(new Error(`socket client exited (${code ?? signal})`));
      this.pending.clear();
    });
    onCleanup(() => this.close());
  }

  request<R extends ClientRequest>(body: R, timeoutMs = 600_000): Promise<ReplyOf<R['kind']>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`socket client: no reply to ${body.kind} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b as ReplyOf<R['kind']>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, body });
    });
  }

  /**
   * How far the client's clock (`epochNow` there) is ahead of this process's: the median
   * of the offsets seen over the fastest IPC round trips.
   */
  async clockOffset(rounds = 30): Promise<{ offsetMs: number; rttMs: number }> {
    const samples: { offset: number; rtt: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = epochNow();
      const { now } = await this.request({ kind: 'clock' });
      const t1 = epochNow();
      samples.push({ offset: now - (t0 + t1) / 2, rtt: t1 - t0 });
    }
    samples.sort((a, b) => a.rtt - b.rtt);
    const best = samples.slice(0, Math.max(1, Math.floor(rounds / 3)));
    best.sort((a, b) => a.offset - b.offset);
    return { offsetMs: best[Math.floor(best.length / 2)].offset, rttMs: best[0].rtt };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.request({ kind: 'close' }, 10_000).catch(() => undefined);
    this.child.kill('SIGKILL');
  }
}
