/**
 * Small, strict parsers for environment variables. Each returns a value or throws a
 * ConfigError whose message names the variable and what it expects, so start-up can
 * fail with one readable line instead of a stack trace.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  private fail<T>(name: string, expected: string, got: string | undefined, fallback: T): T {
    this.problems.push(`${name} must be ${expected}${got === undefined ? '' : ` (got "${got}")`}`);
    return fallback;
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  /** A secret is read like a string but never echoed back in a problem message. */
  secret(name: string, minLength = 1): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters long`);
      return undefined;
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      return this.fail(name, `an integer from ${min} to ${max}`, value, fallback);
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      return this.fail(name, `one of ${allowed.join(', ')}`, value, fallback);
    }
    return value as T;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    return this.fail(name, 'true or false', value, fallback);
  }

  url(name: string, protocols: readonly string[] = ['http:', 'https:']): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      // Never echo a URL back: it may carry a password.
      return this.fail(name, `a URL starting with ${protocols.join(' or ')}`, undefined, undefined);
    }
  }

  /** Durations accept plain milliseconds or a number with ms, s, m or h: "300s", "5m". */
  duration(name: string, fallbackMs: number, minMs = 0): number {
    const value = this.raw(name);
    if (value === undefined) return fallbackMs;
    const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    const ms = match
      ? Math.round(Number(match[1]) * unit[(match[2] as keyof typeof unit) ?? 'ms'])
      : NaN;
    if (!Number.isFinite(ms) || ms < minMs) {
      return this.fail(
        name,
        `a duration such as 500ms, 30s, 5m or 1h (at least ${minMs} ms)`,
        value,
        fallbackMs,
      );
    }
    return ms;
  }
}
