import type { MachineInfo } from '../lib/machine';
import type { ScenarioResult } from './results';
import { fmt } from './table';

const WIDTH = 1140;
const LABEL_W = 380;
const BAR_W = 400;
const ROW_H = 24;

/**
 * One row per metric that has a target: a bar of the median on a scale that shows the
 * target as a tick, green when it is met, red when it is missed. Hand-written SVG.
 */
export function renderSvg(results: ScenarioResult[], machine: MachineInfo): string {
  const parts: string[] = [];
  let y = 76;
  for (const r of results) {
    const rows = r.metrics.filter((m) => m.target && Number.isFinite(m.median));
    if (rows.length === 0) continue;
    parts.push(
      `<text x="16" y="${y}" class="h">${esc(r.scenario)}${r.quick ? ' (quick)' : ''} · ${esc(paramsLine(r))}${esc(otherMachine(r, machine))}</text>`,
    );
    y += 10;
    for (const m of rows) {
      const target = m.target!;
      const scale = Math.max(m.median, target.value) * 1.15 || 1;
      const w = Math.max(1, (m.median / scale) * BAR_W);
      const tx = LABEL_W + (target.value / scale) * BAR_W;
      const color = m.pass ? '#2e9e5b' : '#d64541';
      parts.push(
        `<text x="16" y="${y + 16}">${esc(m.label)}</text>`,
        `<rect x="${LABEL_W}" y="${y + 4}" width="${BAR_W}" height="${ROW_H - 8}" fill="#eee"/>`,
        `<rect x="${LABEL_W}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW_H - 8}" fill="${color}"/>`,
        `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${y + 1}" y2="${y + ROW_H - 1}" stroke="#222" stroke-width="2"/>`,
        `<text x="${LABEL_W + BAR_W + 10}" y="${y + 16}">${esc(`${fmt(m.median)} ${m.unit} (target ${target.op} ${fmt(target.value)}) ${m.pass ? '✓' : '✗'}`)}</text>`,
      );
      y += ROW_H;
    }
    y += 18;
  }
  const title = `Stream Supervisor benchmarks · ${machine.cpus} × ${machine.cpuModel} · ${(machine.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB · Node ${machine.node}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 24}" viewBox="0 0 ${WIDTH} ${y + 24}" font-family="system-ui, sans-serif" font-size="13">`,
    '<style>.h{font-weight:600;font-size:14px}.t{font-weight:700;font-size:16px}.s{fill:#666;font-size:12px}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" class="t">${esc(title)}</text>`,
    `<text x="16" y="42" class="s">median of the runs; black tick = target; green = met, red = missed; ${esc(new Date().toISOString().slice(0, 10))}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Said on a scenario measured elsewhere than the machine in the title. */
function otherMachine(r: ScenarioResult, machine: MachineInfo): string {
  const m = r.machine;
  if (!m || (m.cpuModel === machine.cpuModel && m.cpus === machine.cpus)) return '';
  return ` · on ${m.cpus} × ${m.cpuModel}, ${r.at.slice(0, 10)}`;
}

function paramsLine(r: ScenarioResult): string {
  return Object.entries(r.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
