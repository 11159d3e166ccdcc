import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

export interface ProviderHealthSource {
  name: string;
  /** Undefined when healthy; otherwise why the provider is unusable right now. */
  problem(): string | undefined;
}

/** Providers register here (e.g. the Cloudflare circuit breaker) to take part in readiness. */
@Injectable()
export class ProviderHealthIndicator {
  private readonly sources: ProviderHealthSource[] = [];

  constructor(private readonly indicator: HealthIndicatorService) {}

  register(source: ProviderHealthSource): void {
    this.sources.push(source);
  }

  check(): HealthIndicatorResult {
    const session = this.indicator.check('providers');
    const problems = Object.fromEntries(
      this.sources.flatMap((s) => {
        const p = s.problem();
        return p ? [[s.name, p]] : [];
      }),
    );
    return Object.keys(problems).length === 0 ? session.up() : session.down(problems);
  }
}
