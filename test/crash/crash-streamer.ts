import type { CloudflareFake } from '../../libs/cloudflare';
import type { Platform } from '../../src/platforms/platform';
import { waitFor } from '../helpers/wait-for';
import { logProblems } from '../property/transition-rules';
import { SessionApi, SessionViewBody } from './session-api';

/**
 * One streamer in the crash tests: sets up ingest and platforms through the API, and
 * checks what must hold after any crash and recovery.
 */
export class CrashStreamer {
  inputId = '';
  /** Broadcast ids of every Start, in order (null: the Start was lost with the process). */
  readonly starts: (string | null)[] = [];

  constructor(
    readonly api: SessionApi,
    private readonly fake: CloudflareFake,
    readonly platforms: Platform[],
  ) {}

  get userId(): string {
    return this.api.userId;
  }

  async prepare(): Promise<void> {
    await this.api.expect(200, 'POST', '/api/session');
    for (const p of this.platforms) {
      await this.api.expect(200, 'PUT', `/api/platforms/${p}`, {
        streamKey: `${this.userId}-${p}-key`,
      });
    }
    const input = [...this.fake.state.inputs.values()].find((i) => i.meta.userId === this.userId);
    if (!input) throw new Error(`no live input at the fake for ${this.userId}`);
    this.inputId = input.uid;
    await this.fake.connect(this.inputId);
    await waitFor(async () => (await this.api.view()).state === 'ready', `${this.userId} ready`);
  }

  /** Until nothing is in flight: live with every output active, or ready/offline. */
  settle(timeoutMs = 20_000): Promise<SessionViewBody> {
    return waitFor(
      async () => {
        const v = await this.api.call<SessionViewBody>('GET', '/api/session');
        if (v.status !== 200) return false;
        const s = v.body;
        if (s.state === 'streaming')
          return (
            s.substate === 'live' &&
            s.outputs.length === this.platforms.length &&
            s.outputs.every((o) => o.status === 'active') &&
            s
          );
        return (s.state === 'ready' || s.state === 'offline') && s.substate !== 'starting' && s;
      },
      `${this.userId} to settle`,
      timeoutMs,
    );
  }

  /** Everything that must be true of a settled session, whatever crashed when. */
  async problems(view: SessionViewBody): Promise<string[]> {
    const problems: string[] = [];
    const outputs = this.fake.outputsOf(this.inputId);
    const live = view.state === 'streaming' || view.state === 'ending';
    const expected = live ? this.platforms.length : 0;
    if (outputs.length !== expected)
      problems.push(
        `${outputs.length} output(s) at the provider while ${view.state} (want ${expected})`,
      );
    const dups = this.fake.duplicateOutputs(this.inputId);
    if (dups.length > 0) problems.push(`${dups.length} duplicate output(s)`);

    const broadcasts = await this.api.broadcasts();
    const known = this.starts.filter((id): id is string => id !== null);
    for (const id of known) {
      const rows = broadcasts.filter((b) => b.id === id).length;
      if (rows !== 1) problems.push(`broadcast ${id} has ${rows} row(s)`);
    }
    // A Start lost before anything was stored may leave no row, never an extra one.
    if (broadcasts.length < known.length || broadcasts.length > this.starts.length)
      problems.push(`${broadcasts.length} broadcast row(s) for ${this.starts.length} Start(s)`);
    const current = live ? view.broadcast?.id : undefined;
    if (live && current !== this.starts[this.starts.length - 1])
      problems.push(`streaming broadcast ${current} is not the last Start's ${this.starts.at(-1)}`);
    for (const b of broadcasts)
      if (b.id !== current && b.endedAt === null) problems.push(`broadcast ${b.id} never ended`);

    const log = await this.api.transitions();
    problems.push(...logProblems(log, 'offline', view.state).map((p) => `transition log: ${p}`));
    // The encoder stayed connected through every crash, so recovery found the stored state
    // true each time: a `reconcile` transition would be a change that never happened.
    for (const t of log.filter((x) => x.reason === 'reconcile'))
      problems.push(`transition log: phantom ${t.from}->${t.to} on recovery`);
    return problems.map((p) => `${this.userId}: ${p}`);
  }
}
