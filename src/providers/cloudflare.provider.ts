import { Logger, Provider } from '@nestjs/common';
import {
  BreakerPool,
  CircuitBreaker,
  CloudflareStreamAdapter,
  CLOUDFLARE_STREAM,
  RequestBudget,
} from '../../libs/cloudflare';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ProviderHealthIndicator } from '../health/provider-health.indicator';
import { MetricsService } from '../metrics/metrics.service';
import { SANDBOX, Sandbox } from './sandbox';

/** The account-wide Cloudflare request budget, shared by every session on this node. */
export const CLOUDFLARE_BUDGET = Symbol('CLOUDFLARE_BUDGET');

export const cloudflareProviders: Provider[] = [
  {
    provide: CLOUDFLARE_BUDGET,
    inject: [APP_CONFIG],
    useFactory: (c: AppConfig) =>
      new RequestBudget({
        limit: c.cloudflare.budgetRequests,
        windowMs: c.cloudflare.budgetWindowMs,
      }),
  },
  {
    provide: CLOUDFLARE_STREAM,
    inject: [APP_CONFIG, CLOUDFLARE_BUDGET, SANDBOX, ProviderHealthIndicator, MetricsService],
    useFactory: (
      c: AppConfig,
      budget: RequestBudget,
      sandbox: Sandbox,
      health: ProviderHealthIndicator,
      metrics: MetricsService,
    ) => {
      const cf = sandbox.cloudflare ?? {
        apiToken: c.cloudflare.apiToken!,
        accountId: c.cloudflare.accountId!,
        baseUrl: c.cloudflare.baseUrl,
      };
      if (sandbox.enabled)
        new Logger('Cloudflare').log(
          `Sandbox: Cloudflare Stream is the local fake at ${cf.baseUrl}`,
        );
      const adapter = new CloudflareStreamAdapter({
        apiToken: cf.apiToken,
        accountId: cf.accountId,
        baseUrl: cf.baseUrl,
        maxRetries: c.cloudflare.maxRetries,
        timeoutMs: c.cloudflare.requestTimeoutMs,
        budget,
        breaker: new CircuitBreaker({ failureThreshold: 5, coolDownMs: 15_000 }),
        inputBreakers: new BreakerPool({ failureThreshold: 5, coolDownMs: 15_000 }),
        onRequest: (_route: string, outcome: string) =>
          metrics.providerRequests.inc({ provider: 'cloudflare', outcome }),
      });
      health.register({ name: 'cloudflare', problem: () => adapter.healthProblem() });
      return adapter;
    },
  },
];
