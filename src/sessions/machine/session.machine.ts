import { assign, emit, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import type { Platform } from '../../platforms/platform';
import type { TransitionActor } from '../entities/session-transition.entity';
import { ChildStatus, Supervisor, SupervisorPolicy } from '../supervision/supervisor';
import { classifyInput, InputObservation } from './input-status';

export const TOP_STATES = ['offline', 'ready', 'streaming', 'ending'] as const;
export type TopState = (typeof TOP_STATES)[number];

/** Where a restored session resumes (from Postgres, after reconcile). */
export type ResumeTarget =
  'ready' | 'ready.starting' | 'streaming.live' | 'streaming.inputLost' | 'ending';

export interface StartOutputsResult {
  active: Platform[];
  failed: { platform: Platform; error: string }[];
}

/** Everything the machine's actors need from the outside world; no clients in context. */
export interface SessionDeps {
  now(): number;
  graceMs: number;
  cleanupRetryBaseMs: number;
  cleanupRetryMaxMs: number;
  supervisor: Omit<SupervisorPolicy, 'now'>;
  /** Create (or adopt after a crash) one output per platform; clean up fully if all fail. */
  startOutputs(args: {
    userId: string;
    broadcastId: string;
    platforms: Platform[];
    title: string;
  }): Promise<StartOutputsResult>;
  /** Stop monitors' side effects, delete every output, verify by listing, close the broadcast. */
  cleanup(args: { userId: string; broadcastId: string | null; reason: string }): Promise<void>;
  /** One look at the provider's view of the input. */
  pollInput(userId: string): Promise<InputObservation>;
  /** How long to wait before the next poll, given what the machine is doing. */
  pollDelayMs(args: { phase: 'changing' | 'stable'; state: TopState }): number | null;
  /** Long-running output verifier while streaming; resolves on abort, rejects on crash. */
  runOutputManager(
    args: { userId: string; broadcastId: string },
    signal: AbortSignal,
  ): Promise<void>;
  /** One platform's chat monitor; resolves on abort, rejects on crash. */
  runPlatformMonitor(
    args: { userId: string; broadcastId: string; platform: Platform },
    signal: AbortSignal,
  ): Promise<void>;
  /** Child health for the ops view. */
  childStatus(userId: string, status: ChildStatus): void;
  /** A platform's monitor gave up (restart intensity exceeded): that platform only. */
  platformFailed(userId: string, platform: Platform, error: string): void;
}

export interface SessionContext {
  userId: string;
  input: { status: string | null; live: boolean; gone: boolean; at: string | null };
  broadcastId: string | null;
  platforms: Platform[];
  title: string;
  /** Epoch ms; persisted so the grace survives a crash. */
  graceEndsAt: number | null;
  endReason: string | null;
  cleanupAttempts: number;
  lastError: string | null;
  /** Why and by whom the latest transition happened; written to the transition log. */
  change: { reason: string; by: TransitionActor };
}

export type SessionEvent =
  | { type: 'INPUT'; observation: InputObservation }
  | {
      type: 'START';
      broadcastId: string;
      platforms: Platform[];
      title: string;
      by: TransitionActor;
    }
  | { type: 'STOP'; by: TransitionActor; reason?: string }
  | { type: 'FORCE_STOP'; by: TransitionActor; reason?: string }
  | { type: 'RESUME'; to: ResumeTarget }
  | { type: 'CHILD_ESCALATED'; child: string; error: string };

export type SessionEmitted =
  { type: 'escalate'; child: string; error: string } | { type: 'input-missing' };

export interface SessionInput {
  userId: string;
  input?: SessionContext['input'];
  broadcastId?: string | null;
  platforms?: Platform[];
  title?: string;
  graceEndsAt?: number | null;
  endReason?: string | null;
  cleanupAttempts?: number;
}

const system = (reason: string) => ({ reason, by: 'system' as const });

/**
 * The per-streamer session: offline → ready → streaming → ending → offline.
 * Side effects live in invoked actors; context stays serialisable (it is what we persist).
 */
export function createSessionMachine(deps: SessionDeps) {
  const policy = (): SupervisorPolicy => ({ ...deps.supervisor, now: deps.now });

  return setup({
    types: {
      context: {} as SessionContext,
      events: {} as SessionEvent,
      input: {} as SessionInput,
      emitted: {} as SessionEmitted,
    },
    actors: {
      inputMonitor: fromCallback<
        { type: 'STATE'; state: TopState } | { type: 'OBSERVED'; changed: boolean },
        { userId: string }
      >(({ input, sendBack, receive }) => {
        let state: TopState = 'offline';
        let lastChangeAt = deps.now();
        let wake: (() => void) | undefined;
        receive((e) => {
          if (e.type === 'STATE') state = e.state;
          if (e.type === 'STATE' || e.changed) {
            lastChangeAt = deps.now();
            wake?.(); // re-plan the next poll at once: the phase just changed
          }
        });
        const wait = (ms: number, signal: AbortSignal) =>
          new Promise<void>((resolve) => {
            const t = (deps.supervisor.setTimeout ?? setTimeout)(done, ms);
            function done() {
              (deps.supervisor.clearTimeout ?? clearTimeout)(t as NodeJS.Timeout);
              wake = undefined;
              signal.removeEventListener('abort', done);
              resolve();
            }
            wake = done;
            signal.addEventListener('abort', done, { once: true });
          });
        let lastPollAt = deps.now();
        const loop = async (signal: AbortSignal) => {
          while (!signal.aborted) {
            const phase = deps.now() - lastChangeAt < 60_000 ? 'changing' : 'stable';
            const delay = deps.pollDelayMs({ phase, state });
            // A wake (state change) only re-plans: it never polls sooner than the policy allows.
            const dueIn = delay === null ? 3_600_000 : lastPollAt + delay - deps.now();
            if (dueIn > 0) {
              await wait(dueIn, signal);
              continue;
            }
            lastPollAt = deps.now();
            try {
              const observation = await deps.pollInput(input.userId);
              if (!signal.aborted) sendBack({ type: 'INPUT', observation });
            } catch (err) {
              // Budget refused, rate-limited or provider down: skip this poll, keep the state.
              if (!(err as { transient?: boolean }).transient) throw err;
            }
          }
        };
        const sup = new Supervisor(
          'inputMonitor',
          loop,
          policy(),
          (error) => sendBack({ type: 'CHILD_ESCALATED', child: 'inputMonitor', error }),
          (s) => deps.childStatus(input.userId, s),
        ).start();
        return () => sup.stop();
      }),
      outputManager: fromCallback<{ type: 'NONE' }, { userId: string; broadcastId: string }>(
        ({ input, sendBack }) => {
          const sup = new Supervisor(
            'outputManager',
            (signal) => deps.runOutputManager(input, signal),
            policy(),
            (error) => sendBack({ type: 'CHILD_ESCALATED', child: 'outputManager', error }),
            (s) => deps.childStatus(input.userId, s),
          ).start();
          return () => sup.stop();
        },
      ),
      platformMonitors: fromCallback<
        { type: 'NONE' },
        { userId: string; broadcastId: string; platforms: Platform[] }
      >(({ input }) => {
        // One supervisor per platform: a platform that keeps failing is marked failed
        // on its own and never takes the others (or the session) down with it.
        const sups = input.platforms.map((platform) =>
          new Supervisor(
            `platform:${platform}`,
            (signal) => deps.runPlatformMonitor({ ...input, platform }, signal),
            policy(),
            (error) => deps.platformFailed(input.userId, platform, error),
            (s) => deps.childStatus(input.userId, s),
          ).start(),
        );
        return () => sups.forEach((s) => s.stop());
      }),
      startOutputs: fromPromise<
        StartOutputsResult,
        { userId: string; broadcastId: string; platforms: Platform[]; title: string }
      >(({ input }) => deps.startOutputs(input)),
      cleanup: fromPromise<void, { userId: string; broadcastId: string | null; reason: string }>(
        ({ input }) => deps.cleanup(input),
      ),
    },
    guards: {
      inputLive: ({ context }) => context.input.live,
      inputGone: ({ context }) => context.input.gone,
      observedLive: ({ event }) => event.type === 'INPUT' && classifyInput(event.observation).live,
      observedGone: ({ event }) => event.type === 'INPUT' && classifyInput(event.observation).gone,
      observedMissing: ({ event }) => event.type === 'INPUT' && event.observation.missing === true,
      anyActive: ({ event }) =>
        (event as unknown as { output?: StartOutputsResult }).output !== undefined &&
        (event as unknown as { output: StartOutputsResult }).output.active.length > 0,
      resumeTo: ({ event }, target: ResumeTarget) => event.type === 'RESUME' && event.to === target,
    },
    actions: {
      recordInput: assign({
        input: ({ context, event }) => {
          if (event.type !== 'INPUT') return context.input;
          const c = classifyInput(event.observation);
          return {
            status: event.observation.status,
            live: c.live,
            gone: c.gone,
            at: event.observation.at,
          };
        },
      }),
      tellMonitorObserved: sendTo('inputMonitor', ({ context, event }) => ({
        type: 'OBSERVED' as const,
        changed: event.type === 'INPUT' && event.observation.status !== context.input.status,
      })),
      tellMonitorState: sendTo('inputMonitor', (_: unknown, state: TopState) => ({
        type: 'STATE' as const,
        state,
      })),
      escalate: emit(({ event }) => ({
        type: 'escalate' as const,
        child: event.type === 'CHILD_ESCALATED' ? event.child : 'unknown',
        error: event.type === 'CHILD_ESCALATED' ? event.error : 'unknown',
      })),
      inputMissing: emit({ type: 'input-missing' as const }),
    },
    delays: {
      graceRemaining: ({ context }) =>
        Math.max(0, (context.graceEndsAt ?? deps.now()) - deps.now()),
      cleanupBackoff: ({ context }) =>
        Math.min(
          deps.cleanupRetryMaxMs,
          deps.cleanupRetryBaseMs * 2 ** Math.max(0, context.cleanupAttempts - 1),
        ),
    },
  }).createMachine({
    id: 'session',
    context: ({ input }) => ({
      userId: input.userId,
      input: input.input ?? { status: null, live: false, gone: true, at: null },
      broadcastId: input.broadcastId ?? null,
      platforms: input.platforms ?? [],
      title: input.title ?? '',
      graceEndsAt: input.graceEndsAt ?? null,
      endReason: input.endReason ?? null,
      cleanupAttempts: input.cleanupAttempts ?? 0,
      lastError: null,
      change: system('reconcile'),
    }),
    invoke: {
      id: 'inputMonitor',
      systemId: 'inputMonitor',
      src: 'inputMonitor',
      input: ({ context }) => ({ userId: context.userId }),
    },
    on: {
      INPUT: [
        { guard: 'observedMissing', actions: ['recordInput', 'inputMissing'] },
        { actions: ['tellMonitorObserved', 'recordInput'] },
      ],
      CHILD_ESCALATED: { actions: 'escalate' },
    },
    initial: 'offline',
    states: {
      offline: {
        entry: [{ type: 'tellMonitorState', params: 'offline' }],
        on: {
          // Only a freshly started actor resumes (SessionRegistry.spawn after reconcile).
          // Anywhere else RESUME would abandon work in flight: mid-cleanup it jumped to
          // ready with the outputs still up, mid-Start it ran a second startOutputs.
          RESUME: [
            {
              guard: { type: 'resumeTo', params: 'ready' },
              target: '#session.ready',
              actions: assign({ change: system('reconcile') }),
            },
            {
              guard: { type: 'resumeTo', params: 'ready.starting' },
              target: '#session.ready.starting',
              actions: assign({ change: system('reconcile') }),
            },
            {
              guard: { type: 'resumeTo', params: 'streaming.live' },
              target: '#session.streaming.live',
              actions: assign({ change: system('reconcile') }),
            },
            {
              guard: { type: 'resumeTo', params: 'streaming.inputLost' },
              target: '#session.streaming.inputLost',
              actions: assign({ change: system('reconcile') }),
            },
            {
              guard: { type: 'resumeTo', params: 'ending' },
              target: '#session.ending',
              actions: assign({ change: system('reconcile') }),
            },
          ],
          INPUT: [
            { guard: 'observedMissing', actions: ['recordInput', 'inputMissing'] },
            {
              guard: 'observedLive',
              target: 'ready',
              actions: [
                'tellMonitorObserved',
                'recordInput',
                assign({ change: system('input-connected') }),
              ],
            },
            { actions: ['tellMonitorObserved', 'recordInput'] },
          ],
        },
      },
      ready: {
        entry: [{ type: 'tellMonitorState', params: 'ready' }],
        initial: 'idle',
        states: {
          idle: {
            // Back from a failed Start after the encoder went away meanwhile: not ready.
            always: {
              guard: 'inputGone',
              target: '#session.offline',
              actions: assign({ change: system('input-disconnected') }),
            },
            on: {
              INPUT: [
                { guard: 'observedMissing', actions: ['recordInput', 'inputMissing'] },
                {
                  guard: 'observedGone',
                  target: '#session.offline',
                  actions: [
                    'tellMonitorObserved',
                    'recordInput',
                    assign({ change: system('input-disconnected') }),
                  ],
                },
                { actions: ['tellMonitorObserved', 'recordInput'] },
              ],
              START: {
                target: 'starting',
                actions: assign({
                  broadcastId: ({ event }) => event.broadcastId,
                  platforms: ({ event }) => event.platforms,
                  title: ({ event }) => event.title,
                  lastError: null,
                  endReason: null,
                  change: ({ event }) => ({ reason: 'start-requested', by: event.by }),
                }),
              },
            },
          },
          starting: {
            invoke: {
              id: 'startOutputs',
              src: 'startOutputs',
              input: ({ context }) => ({
                userId: context.userId,
                broadcastId: context.broadcastId!,
                platforms: context.platforms,
                title: context.title,
              }),
              onDone: [
                {
                  guard: 'anyActive',
                  target: '#session.streaming',
                  actions: assign({
                    change: ({ context }) => ({ reason: 'start', by: context.change.by }),
                  }),
                },
                {
                  // Every platform failed: startOutputs removed what it made; nothing is left behind.
                  target: 'idle',
                  actions: assign({
                    broadcastId: null,
                    platforms: [],
                    lastError: ({ event }) =>
                      event.output.failed.map((f) => `${f.platform}: ${f.error}`).join('; '),
                    change: system('start-failed'),
                  }),
                },
              ],
              onError: {
                target: 'idle',
                actions: assign({
                  broadcastId: null,
                  platforms: [],
                  lastError: ({ event }) =>
                    event.error instanceof Error ? event.error.message : String(event.error),
                  change: system('start-failed'),
                }),
              },
            },
          },
        },
      },
      streaming: {
        entry: [{ type: 'tellMonitorState', params: 'streaming' }],
        invoke: [
          {
            id: 'outputManager',
            systemId: 'outputManager',
            src: 'outputManager',
            input: ({ context }) => ({ userId: context.userId, broadcastId: context.broadcastId! }),
          },
          {
            id: 'platformMonitors',
            systemId: 'platformMonitors',
            src: 'platformMonitors',
            input: ({ context }) => ({
              userId: context.userId,
              broadcastId: context.broadcastId!,
              platforms: context.platforms,
            }),
          },
        ],
        initial: 'live',
        on: {
          STOP: {
            target: 'ending',
            actions: assign({
              endReason: ({ event }) => event.reason ?? 'stop',
              change: ({ event }) => ({ reason: event.reason ?? 'stop', by: event.by }),
            }),
          },
          FORCE_STOP: {
            target: 'ending',
            actions: assign({
              endReason: ({ event }) => event.reason ?? 'force-stop',
              change: ({ event }) => ({ reason: event.reason ?? 'force-stop', by: event.by }),
            }),
          },
        },
        states: {
          live: {
            entry: assign({ graceEndsAt: null }),
            // Reached with the encoder already gone (it dropped while Start was creating
            // outputs, whose state ignores INPUT): count the grace down now instead of
            // streaming on until some later poll happens to report the loss again.
            always: {
              guard: 'inputGone',
              target: 'inputLost',
              actions: assign({ change: system('input-lost') }),
            },
            on: {
              INPUT: [
                { guard: 'observedMissing', actions: ['recordInput', 'inputMissing'] },
                {
                  guard: 'observedGone',
                  target: 'inputLost',
                  actions: [
                    'tellMonitorObserved',
                    'recordInput',
                    assign({ change: system('input-lost') }),
                  ],
                },
                { actions: ['tellMonitorObserved', 'recordInput'] },
              ],
            },
          },
          inputLost: {
            // The deadline is kept when resuming after a crash; otherwise it starts now.
            entry: [
              assign({
                graceEndsAt: ({ context }) => context.graceEndsAt ?? deps.now() + deps.graceMs,
              }),
              { type: 'tellMonitorState', params: 'streaming' },
            ],
            after: {
              graceRemaining: {
                target: '#session.ending',
                actions: assign({
                  endReason: 'disconnect-timeout',
                  change: system('disconnect-timeout'),
                }),
              },
            },
            on: {
              INPUT: [
                { guard: 'observedMissing', actions: ['recordInput', 'inputMissing'] },
                {
                  // Leaving this state cancels the grace timer: the stream simply continues.
                  guard: 'observedLive',
                  target: 'live',
                  actions: [
                    'tellMonitorObserved',
                    'recordInput',
                    assign({ change: system('input-reconnected') }),
                  ],
                },
                { actions: ['tellMonitorObserved', 'recordInput'] },
              ],
            },
          },
        },
      },
      ending: {
        entry: [assign({ graceEndsAt: null }), { type: 'tellMonitorState', params: 'ending' }],
        initial: 'cleaning',
        states: {
          cleaning: {
            invoke: {
              id: 'cleanup',
              src: 'cleanup',
              input: ({ context }) => ({
                userId: context.userId,
                broadcastId: context.broadcastId,
                reason: context.endReason ?? 'stop',
              }),
              onDone: [
                {
                  // The encoder is still connected: ready to go live again.
                  guard: 'inputLive',
                  target: '#session.ready',
                  actions: assign({ ...afterCleanup(), change: system('cleanup-complete') }),
                },
                {
                  target: '#session.offline',
                  actions: assign({ ...afterCleanup(), change: system('cleanup-complete') }),
                },
              ],
              onError: {
                target: 'retrying',
                actions: assign({
                  cleanupAttempts: ({ context }) => context.cleanupAttempts + 1,
                  lastError: ({ event }) =>
                    event.error instanceof Error ? event.error.message : String(event.error),
                }),
              },
            },
          },
          retrying: {
            after: { cleanupBackoff: 'cleaning' },
          },
        },
      },
    },
  });
}

function afterCleanup() {
  return {
    broadcastId: null,
    platforms: [] as Platform[],
    title: '',
    endReason: null,
    cleanupAttempts: 0,
    lastError: null,
  };
}

export type SessionMachine = ReturnType<typeof createSessionMachine>;
