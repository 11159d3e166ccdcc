import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  commit: string | null;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(),
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** The whole machine's CPU time by kind, from /proc/stat (Linux); null elsewhere. */
export interface MachineCpu {
  total: number;
  idle: number;
  steal: number;
}

export function machineCpu(): MachineCpu | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + f[4], steal: f[7] };
  } catch {
    return null;
  }
}

/**
 * Shares of the machine's CPU between two samples: busy (everything but idle and iowait)
 * and stolen (time the hypervisor ran something else while this VM wanted a CPU). A run
 * with steal is a run on a noisy host, whatever the service did.
 */
export function machineShares(
  before: MachineCpu | null,
  after: MachineCpu | null,
): { busyPct: number; stealPct: number } | null {
  if (!before || !after || after.total <= before.total) return null;
  const total = after.total - before.total;
  return {
    busyPct: (100 * (total - (after.idle - before.idle))) / total,
    stealPct: (100 * (after.steal - before.steal)) / total,
  };
}
