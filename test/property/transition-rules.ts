import type { TopState } from '../../src/sessions/machine/session.machine';

export interface LoggedTransition {
  from: TopState;
  to: TopState;
  reason: string;
}

/** The session's edges. Anything else in a transition log is a bug. */
export const LEGAL_EDGES: ReadonlySet<string> = new Set([
  'offline->ready',
  'ready->offline',
  'ready->streaming',
  'streaming->ending',
  'ending->offline',
  'ending->ready',
]);

/** Only a RESUME on a freshly started (offline) actor may jump straight to these. */
export const RESUME_EDGES: ReadonlySet<string> = new Set(['offline->streaming', 'offline->ending']);

/**
 * Problems with a transition log that started at `initial` and should now be at `current`:
 * a broken chain, a self-transition, an illegal edge, or a log that does not end where the
 * actor is (a top-level change nobody recorded).
 */
export function logProblems(
  log: readonly LoggedTransition[],
  initial: TopState,
  current: TopState,
  allowResumeEdge: (index: number) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  let at = initial;
  log.forEach((t, i) => {
    const edge = `${t.from}->${t.to}`;
    if (t.from !== at) problems.push(`#${i} ${edge} does not start where the log was (${at})`);
    if (t.from === t.to) problems.push(`#${i} ${edge} is a self-transition`);
    if (!LEGAL_EDGES.has(edge) && !(RESUME_EDGES.has(edge) && allowResumeEdge(i)))
      problems.push(`#${i} ${edge} (${t.reason}) is not a legal edge`);
    at = t.to;
  });
  if (at !== current) problems.push(`the log ends at ${at} but the actor is ${current}`);
  return problems;
}
