import { Inject, Injectable } from '@nestjs/common';
import { CLOUDFLARE_STREAM, CloudflareStreamPort, RequestBudget } from '../../libs/cloudflare';
import { CLOUDFLARE_BUDGET } from '../providers/cloudflare.provider';
import type { StreamEntity } from '../streams/entities/stream.entity';
import { ProviderError } from '../../libs/common/provider-error';
import { LIVEKIT, type LiveKitPort } from '../../libs/livekit';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { isDatabaseUnavailable } from '../database/database-errors';
import { creatorPresence } from '../livestream/creator-presence';
import { IngestService } from '../streams/ingest.service';
import type { InputObservation } from './machine/input-status';
import type { TopState } from './machine/session.machine';

/** Share of the account-wide Cloudflare budget that fallback polling may use. */
const POLL_SHARE = 0.5;
/** Verifying recovered sessions stops once this share of the budget's window is used. */
const VERIFY_SHARE = 0.5;

/**
 * Reads the provider's truth about a user's input, and decides how often to poll for it.
 * Webhooks are the primary signal; polling is the fallback, and it adapts: fast while the
 * input is changing, slow while stable, and never faster than the shared budget allows
 * for the number of sessions on this node.
 */
@Injectable()
export class InputObserver {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOUDFLARE_STREAM) private readonly cloudflare: CloudflareStreamPort,
    @Inject(LIVEKIT) private readonly livekit: LiveKitPort | null,
    private readonly ingest: IngestService,
    @Inject(CLOUDFLARE_BUDGET) private readonly budget: RequestBudget,
  ) {}

  /**
   * The input's truth from the provider of the user's source: LiveKit presence for browser
   * go-live, the live input's status for Cloudflare. Throws ProviderError when the provider
   * cannot be asked (the session keeps its state).
   */
  async observe(userId: string, known?: StreamEntity | null): Promise<InputObservation> {
    const at = new Date().toISOString();
    const stream =
      known !== undefined
        ? known
        : await this.ingest.find(userId).catch((err: unknown) => {
            // Not knowing the input (the database is down and it was never read) is a skipped
            // poll, like a provider outage: it must not count as the monitor crashing.
            if (isDatabaseUnavailable(err))
              throw new ProviderError('database', 'unavailable', 'the database is unreachable', {
                cause: err,
              });
            throw err;
          });
    if (stream?.source === 'livekit') {
      if (!this.livekit)
        throw new ProviderError('livekit', 'unavailable', 'LiveKit is not configured');
      return { status: await creatorPresence(this.livekit, userId), at, source: 'livekit' };
    }
    const inputId = stream?.providerInputId ?? null;
    if (!inputId) return { status: null, at, source: 'cloudflare', missing: true };
    const input = await this.cloudflare.getLiveInput(inputId);
    if (!input) return { status: null, at, source: 'cloudflare', missing: true };
    return { status: input.status, at, source: 'cloudflare' };
  }

  /**
   * Whether a verification read (recovery, failover) may be spent now: only while less
   * than half of the account budget's window is used, so commands (Start, Stop) and the
   * fallback polling always keep the other half. `inFlight`: verification reads already
   * started that may not have drawn from the budget yet.
   */
  canAffordVerification(inFlight = 0): boolean {
    const { used, limit, blockedUntil } = this.budget.stats();
    return blockedUntil === null && used + inFlight < limit * VERIFY_SHARE;
  }

  pollDelayMs(args: { phase: 'changing' | 'stable'; state: TopState; sessions: number }): number {
    const cf = this.config.cloudflare;
    const base =
      args.phase === 'changing' || args.state === 'ready' ? cf.pollFastMs : cf.pollSlowMs;
    return Math.max(base, this.budgetFloorMs(args.sessions, POLL_SHARE));
  }

  /** The shortest per-session interval that keeps `sessions` callers within `share` of the budget. */
  budgetFloorMs(sessions: number, share: number): number {
    const cf = this.config.cloudflare;
    return Math.ceil((Math.max(1, sessions) * cf.budgetWindowMs) / (cf.budgetRequests * share));
  }
}
