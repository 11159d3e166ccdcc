import type { ScenarioResult } from './results';

/** A plain-text table of one scenario's medians, with targets and pass/miss. */
export function formatTable(r: ScenarioResult): string {
  const head = ['metric', 'median', 'unit', 'target', '', `runs (${r.runs})`];
  const rows = r.metrics.map((m) => [
    m.label,
    fmt(m.median),
    m.unit,
    m.target ? `${m.target.op} ${fmt(m.target.value)}` : '',
    m.pass === undefined ? '' : m.pass ? 'ok' : 'MISS',
    m.values.map(fmt).join(' / '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const params = Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    `## ${r.scenario}${r.quick ? ' (quick)' : ''}: ${params}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...r.notes.map((n) => `  · ${n}`),
  ].join('\n');
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
