import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  totalMs: number;
}

/**
 * Self and total (inclusive) time per function of a V8 .cpuprofile (node --cpu-prof),
 * heaviest first: what the report quotes when a target is missed.
 */
export function hotFunctions(file: string, root: string, top = 25): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const key = (n: ProfileNode) => {
    const f = n.callFrame;
    const url = f.url.replace(/^file:\/\//, '');
    const where = url ? `${path.relative(root, url)}:${f.lineNumber + 1}` : '(native)';
    return {
      k: `${f.functionName || '(anonymous)'}@${where}`,
      name: f.functionName || '(anonymous)',
      where,
    };
  };
  const stats = new Map<string, HotFunction>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { k, name, where } = key(node);
    const s = stats.get(k) ?? { name, where, selfMs: 0, totalMs: 0 };
    s.selfMs += us / 1000;
    stats.set(k, s);
    // Inclusive time: once per distinct function on the stack (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const info = key(byId.get(cur)!);
      if (seen.has(info.k)) continue;
      seen.add(info.k);
      const t = stats.get(info.k) ?? { name: info.name, where: info.where, selfMs: 0, totalMs: 0 };
      t.totalMs += us / 1000;
      stats.set(info.k, t);
    }
  }
  return [...stats.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
}

export function formatHot(list: HotFunction[], by: 'self' | 'total' = 'self'): string {
  const sorted = [...list].sort((a, b) =>
    by === 'self' ? b.selfMs - a.selfMs : b.totalMs - a.totalMs,
  );
  return sorted
    .map(
      (h) =>
        `${h.selfMs.toFixed(0).padStart(7)} ms self ${h.totalMs.toFixed(0).padStart(7)} ms total  ${h.name}  ${h.where}`,
    )
    .join('\n');
}

// `node -r ts-node/register/transpile-only bench/report/cpu-profile.ts <file> [self|total] [top]`
if (require.main === module) {
  const [file, by = 'self', top = '30'] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [self|total] [top]');
  const all = hotFunctions(file, path.resolve(__dirname, '../..'), 100_000);
  const sorted = all.sort((a, b) => (by === 'total' ? b.totalMs - a.totalMs : b.selfMs - a.selfMs));
  console.log(formatHot(sorted.slice(0, Number(top)), by === 'total' ? 'total' : 'self'));
}
