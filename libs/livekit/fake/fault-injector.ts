import type { TwirpCode } from './twirp';

/**
 * Faults the fake injects per Twirp method (`"Egress/ListEgress"`, or `"*"` for all):
 * - `code`: answer with this Twirp error instead of handling the call;
 * - `reset`: drop the connection without answering (a transport error for the client);
 * - `latencyMs`: wait this long first;
 * - `times`: apply to the next N calls only (default: until cleared).
 */
export interface Fault {
  code?: TwirpCode;
  reset?: boolean;
  latencyMs?: number;
  times?: number;
  msg?: string;
}

export type FaultOutcome =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'error'; code: TwirpCode; msg: string; latencyMs: number }
  | { kind: 'reset'; latencyMs: number };

export class FaultInjector {
  private readonly faults = new Map<string, Fault & { remaining: number }>();

  set(method: string, fault: Fault): void {
    this.faults.set(method, { ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  /** Shorthand: the next `times` calls of `method` fail with `code`. */
  failNext(method: string, code: TwirpCode, times = 1): void {
    this.set(method, { code, times });
  }

  clear(method?: string): void {
    if (method === undefined) this.faults.clear();
    else this.faults.delete(method);
  }

  /** Consumes one use of the fault matching `method` (exact name first, then `*`). */
  take(method: string): FaultOutcome {
    const key = this.faults.has(method) ? method : '*';
    const fault = this.faults.get(key);
    if (!fault || fault.remaining <= 0) return { kind: 'none', latencyMs: 0 };
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.delete(key);
    const latencyMs = fault.latencyMs ?? 0;
    if (fault.reset) return { kind: 'reset', latencyMs };
    if (fault.code)
      return {
        kind: 'error',
        code: fault.code,
        msg: fault.msg ?? `injected ${fault.code}`,
        latencyMs,
      };
    return { kind: 'none', latencyMs };
  }
}
