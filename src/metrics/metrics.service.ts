import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per app instance (not the global one), so tests can run several. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /** Set by the session registry; read only when /metrics is scraped. */
  sessionCounts?: () => Record<string, number>;

  readonly sessions = new Gauge({
    name: 'sessions_active',
    help: 'Supervised session actors on this node, by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [state, n] of Object.entries(this.sessionCounts?.() ?? {}))
        this.sessions.set({ state }, n);
    },
  });

  sessionsUnverified?: () => number;

  readonly unverified: Gauge = new Gauge({
    name: 'sessions_unverified',
    help: 'Sessions resumed from their stored state (recovery, failover) and not yet checked against the provider',
    registers: [this.registry],
    collect: () => this.unverified.set(this.sessionsUnverified?.() ?? 0),
  });

  readonly transitions = new Counter({
    name: 'session_transitions_total',
    help: 'Session state transitions',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  readonly providerRequests = new Counter({
    name: 'provider_requests_total',
    help: 'Requests to external providers, by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
