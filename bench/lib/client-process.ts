import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type {
  ChatFaninReply,
  ClientRequest,
  ConnectReply,
  ReplyEnvelope,
  WebhookLatencyReply,
} from '../client/protocol';
import { onCleanup, track } from './children';
import { ROOT } from './service';

type ReplyOf<K extends ClientRequest['kind']> = K extends 'connect'
  ? ConnectReply
  : K extends 'webhook-latency'
    ? WebhookLatencyReply
    : K extends 'chat-fanin'
      ? ChatFaninReply
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

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.request({ kind: 'close' }, 10_000).catch(() => undefined);
    this.child.kill('SIGKILL');
  }
}
