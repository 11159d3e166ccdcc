import type { CloudflareRoute } from '../cloudflare-routes';

/**
 * One injected misbehaviour. It applies to the next `times` matching requests (default 1),
 * or, with `probability` and no `times`, to each matching request with that probability.
 */
export interface FaultSpec {
  route?: CloudflareRoute | '*';
  /** Answer with this HTTP status and a Cloudflare error envelope. */
  status?: number;
  /** `Retry-After` value to send with `status` (seconds, or an HTTP date). */
  retryAfter?: number | string;
  /** Delay before answering (combined with `status`, or before the normal answer). */
  latencyMs?: number;
  /** Never answer: the client's timeout has to fire. */
  hang?: boolean;
  /** Destroy the connection without answering. */
  reset?: boolean;
  times?: number;
  probability?: number;
  errorCode?: number;
  message?: string;
}

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'delay'; ms: number }
  | {
      kind: 'respond';
      delayMs: number;
      status: number;
      retryAfter?: string;
      code?: number;
      message?: string;
    }
  | { kind: 'hang' }
  | { kind: 'reset'; delayMs: number };

interface ActiveFault {
  id: number;
  spec: FaultSpec;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): number {
    const remaining = spec.times ?? (spec.probability !== undefined ? Infinity : 1);
    const fault = { id: this.nextId++, spec, remaining };
    this.faults.push(fault);
    return fault.id;
  }

  remove(id: number): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  active(): FaultSpec[] {
    return this.faults.map((f) => f.spec);
  }

  /** Picks the first matching fault for this request and uses up one of its turns. */
  next(route: CloudflareRoute): FaultAction {
    for (const fault of this.faults) {
      const target = fault.spec.route ?? '*';
      if (target !== '*' && target !== route) continue;
      if (fault.remaining <= 0) continue;
      if (fault.spec.probability !== undefined && this.random() >= fault.spec.probability) continue;
      fault.remaining--;
      if (fault.remaining <= 0) this.remove(fault.id);
      return toAction(fault.spec);
    }
    return { kind: 'none' };
  }
}

function toAction(spec: FaultSpec): FaultAction {
  const delayMs = spec.latencyMs ?? 0;
  if (spec.hang) return { kind: 'hang' };
  if (spec.reset) return { kind: 'reset', delayMs };
  if (spec.status !== undefined) {
    return {
      kind: 'respond',
      delayMs,
      status: spec.status,
      ...(spec.retryAfter !== undefined && { retryAfter: String(spec.retryAfter) }),
      ...(spec.errorCode !== undefined && { code: spec.errorCode }),
      ...(spec.message !== undefined && { message: spec.message }),
    };
  }
  return delayMs > 0 ? { kind: 'delay', ms: delayMs } : { kind: 'none' };
}
