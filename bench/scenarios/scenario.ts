import type { BenchPostgres } from '../lib/postgres';
import type { ServiceMode } from '../lib/service';

export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface Metric {
  key: string;
  label: string;
  unit: string;
  value: number;
  target?: Target;
}

export interface RunOutput {
  params: Record<string, string | number>;
  metrics: Metric[];
  notes?: string[];
}

export interface ScenarioContext {
  quick: boolean;
  mode: ServiceMode;
  /** Lazily started: the simulation needs no database. */
  pg: () => Promise<BenchPostgres>;
  /** Extra node flags for the service (e.g. --cpu-prof). */
  serviceNodeArgs: string[];
  /** Environment given on the command line (`--env K=V`): applied last, so it wins. */
  serviceEnv: Record<string, string>;
  /** Overrides the scenario's session count. */
  sessions?: number;
  log(line: string): void;
}

export interface Scenario {
  name: string;
  summary: string;
  run(ctx: ScenarioContext): Promise<RunOutput>;
}

export function meets(value: number, target: Target): boolean {
  return target.op === '<=' ? value <= target.value : value >= target.value;
}
