/** How often a scenario scrapes /metrics while it waits: each scrape costs the service CPU. */
export const SCRAPE_EVERY_MS = 100;

/** Values of one metric in a Prometheus text exposition, keyed by their label string. */
export function promValues(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const labelEnd = rest[0] === '{' ? rest.indexOf('}') + 1 : 0;
    const value = Number(rest.slice(labelEnd).trim().split(' ')[0]);
    if (Number.isFinite(value)) out.set(rest.slice(0, labelEnd), value);
  }
  return out;
}

/** The unlabelled (or first) value of a metric; NaN when absent. */
export function promValue(text: string, name: string): number {
  const values = promValues(text, name);
  return values.values().next().value ?? NaN;
}
