import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MachineInfo } from '../lib/machine';
import { median } from '../lib/stats';
import { meets, type RunOutput, type Target } from '../scenarios/scenario';

export interface MetricResult {
  key: string;
  label: string;
  unit: string;
  /** Median over the runs. */
  median: number;
  values: number[];
  target?: Target;
  pass?: boolean;
}

export interface ScenarioResult {
  scenario: string;
  quick: boolean;
  runs: number;
  serviceMode: string;
  at: string;
  params: Record<string, string | number>;
  metrics: MetricResult[];
  notes: string[];
  /** Where this result was measured (a day's file may hold results of several machines). */
  machine?: MachineInfo;
}

export interface ResultsFile {
  machine: MachineInfo;
  /** Latest result per scenario (and per quick/full). */
  results: Record<string, ScenarioResult>;
}

export const RESULTS_DIR = path.resolve(__dirname, '../results');

/** Medians of every metric over the runs (the runs share params and metric keys). */
export function aggregate(
  scenario: string,
  outputs: RunOutput[],
  meta: { quick: boolean; serviceMode: string },
): ScenarioResult {
  const first = outputs[0];
  const metrics = first.metrics.map((m) => {
    const values = outputs.map((o) => o.metrics.find((x) => x.key === m.key)?.value ?? NaN);
    const med = median(values);
    return {
      key: m.key,
      label: m.label,
      unit: m.unit,
      median: med,
      values,
      ...(m.target ? { target: m.target, pass: meets(med, m.target) } : {}),
    };
  });
  return {
    scenario,
    quick: meta.quick,
    runs: outputs.length,
    serviceMode: meta.serviceMode,
    at: new Date().toISOString(),
    params: first.params,
    metrics,
    notes: first.notes ?? [],
  };
}

/** Merges into bench/results/<YYYY-MM-DD>.json (one entry per scenario and quick/full). */
export function saveResults(
  machine: MachineInfo,
  results: ScenarioResult[],
): { file: string; all: ResultsFile } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${new Date().toISOString().slice(0, 10)}.json`);
  const all: ResultsFile = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as ResultsFile)
    : { machine, results: {} };
  // Results written before they carried their machine were measured on the file's.
  for (const r of Object.values(all.results)) r.machine ??= all.machine;
  all.machine = machine;
  for (const r of results)
    all.results[`${r.scenario}${r.quick ? ':quick' : ''}`] = { ...r, machine };
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
  return { file, all };
}
