import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void> | void>();
let installed = false;

/** Tracks a child so that it is SIGKILLed when the bench exits, normally or not. */
export function track(child: ChildProcess): ChildProcess {
  installHooks();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Async clean-up (databases, fakes) run before exit; children are killed regardless. */
export function onCleanup(fn: () => Promise<void> | void): () => void {
  installHooks();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Runs every clean-up (bounded in time), then kills what is left. */
export async function cleanupAll(timeoutMs = 15_000): Promise<void> {
  const work = Promise.allSettled([...cleanups].map(async (fn) => fn()));
  cleanups.clear();
  await Promise.race([work, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  killAllChildren();
}

function installHooks(): void {
  if (installed) return;
  installed = true;
  // Synchronous last resort: whatever happens, no child outlives the bench.
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping children`);
      void cleanupAll(5_000).finally(() => process.exit(130));
    });
  }
}
