import fc from 'fast-check';
import { PLATFORMS } from '../../src/platforms/platform';
import type { Platform } from '../../src/platforms/platform';
import type { ResumeTarget, SessionEvent } from '../../src/sessions/machine/session.machine';
import { CLEANUP_BASE_MS, CLEANUP_MAX_MS, GRACE_MS, StartOutcome } from './session-world';

export const LIVE_STATUSES = ['connected', 'reconnected'] as const;
export const GONE_STATUSES = [
  null,
  'client_disconnect',
  'ttl_exceeded',
  'failed_to_connect',
  'failed_to_reconnect',
] as const;
/** Neither live nor lost: the encoder is wobbling, or the status says nothing about it. */
export const WOBBLING_STATUSES = ['reconnecting', 'new_configuration_accepted', 'unknown'] as const;
export const RESUME_TARGETS: ResumeTarget[] = [
  'ready',
  'ready.starting',
  'streaming.live',
  'streaming.inputLost',
  'ending',
];

export type Command =
  | { kind: 'input'; status: string | null; missing: boolean }
  | { kind: 'start'; platforms: Platform[] }
  | { kind: 'stop' }
  | { kind: 'forceStop' }
  | { kind: 'resume'; to: ResumeTarget }
  | { kind: 'advance'; ms: number }
  | { kind: 'providers'; startOutcome: StartOutcome; cleanupFails: boolean }
  | { kind: 'flush' };

const status = fc.oneof(
  fc.constantFrom(...LIVE_STATUSES),
  fc.constantFrom(...GONE_STATUSES),
  fc.constantFrom(...WOBBLING_STATUSES),
);

/** Clock steps that land just before, on and after the grace and cleanup back-off edges. */
const advanceMs = fc.oneof(
  fc.integer({ min: 1, max: 2 * GRACE_MS }),
  fc.constantFrom(
    1,
    CLEANUP_BASE_MS - 1,
    CLEANUP_BASE_MS,
    CLEANUP_MAX_MS,
    GRACE_MS - 1,
    GRACE_MS,
    GRACE_MS + 1,
  ),
);

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: status.map((s) => ({ kind: 'input' as const, status: s, missing: false })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'input' as const, status: null, missing: true }) },
  {
    weight: 4,
    arbitrary: fc
      .uniqueArray(fc.constantFrom(...PLATFORMS), { minLength: 1, maxLength: PLATFORMS.length })
      .map((platforms) => ({ kind: 'start' as const, platforms })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'stop' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'forceStop' as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...RESUME_TARGETS).map((to) => ({ kind: 'resume' as const, to })),
  },
  { weight: 4, arbitrary: advanceMs.map((ms) => ({ kind: 'advance' as const, ms })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('providers' as const),
      startOutcome: fc.constantFrom<StartOutcome>('all', 'some', 'none', 'throw'),
      cleanupFails: fc.boolean(),
    }),
  },
  { weight: 6, arbitrary: fc.constant({ kind: 'flush' as const }) },
);

/** The machine event a command sends, if any (clock, provider and flush steps send none). */
export function eventOf(c: Command, at: number): SessionEvent | undefined {
  switch (c.kind) {
    case 'input':
      return {
        type: 'INPUT',
        observation: {
          status: c.status,
          at: new Date(at).toISOString(),
          source: 'cloudflare',
          ...(c.missing ? { missing: true } : {}),
        },
      };
    case 'start':
      return {
        type: 'START',
        broadcastId: '00000000-0000-4000-8000-000000000001',
        platforms: c.platforms,
        title: 'T',
        by: 'user',
      };
    case 'stop':
      return { type: 'STOP', by: 'user' };
    case 'forceStop':
      return { type: 'FORCE_STOP', by: 'ops' };
    case 'resume':
      return { type: 'RESUME', to: c.to };
    default:
      return undefined;
  }
}

export function isLiveStatus(c: Command): boolean {
  return (
    c.kind === 'input' && !c.missing && (LIVE_STATUSES as readonly unknown[]).includes(c.status)
  );
}
