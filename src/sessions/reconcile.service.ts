import { Injectable, Logger } from '@nestjs/common';
import type { StreamEntity } from '../streams/entities/stream.entity';
import type { SessionEntity } from './entities/session.entity';
import { InputObserver } from './input-observer';
import { classifyInput, InputObservation } from './machine/input-status';
import type { ResumeTarget, SessionContext } from './machine/session.machine';

export interface ReconcilePlan {
  /** Where the actor resumes; undefined means offline. */
  resume?: ResumeTarget;
  input: SessionContext['input'];
  /** The provider's truth was read (false: Cloudflare unreachable, stored state trusted). */
  providerKnown: boolean;
  /** Not streaming: any output still on the input is a leak to delete. */
  removeStrays: boolean;
  observation?: InputObservation;
}

/**
 * The one path every restart, crash recovery and ops repair takes: read the provider's
 * truth, then decide where the actor belongs. The stored state is a cache; when the
 * provider cannot be read, it is trusted until the next reconcile.
 */
@Injectable()
export class ReconcileService {
  private readonly logger = new Logger(ReconcileService.name);

  constructor(private readonly observer: InputObserver) {}

  /**
   * Reads the provider's truth and decides. `stream` is the user's ingest row when the
   * caller already read it (a recovery batch reads them all at once).
   */
  async plan(row: SessionEntity, stream?: StreamEntity | null): Promise<ReconcilePlan> {
    let observation: InputObservation | undefined;
    try {
      observation = await this.observer.observe(row.userId, stream);
    } catch (err) {
      this.logger.warn(
        { err, userId: row.userId },
        'Provider unreachable during reconcile; trusting stored state',
      );
    }
    return this.decide(row, observation);
  }

  /**
   * Where the actor belongs, from an observation, or from the stored state alone (then
   * `providerKnown` is false and the caller verifies it later).
   */
  decide(row: SessionEntity, observation?: InputObservation): ReconcilePlan {
    const stored = { status: row.inputStatus, missing: false };
    const c = classifyInput(observation ?? stored);
    const input = {
      status: observation ? observation.status : row.inputStatus,
      live: c.live,
      gone: c.gone,
      at: observation?.at ?? row.inputLastSeenAt?.toISOString() ?? null,
    };
    const base = { input, providerKnown: observation !== undefined, observation };
    switch (row.state) {
      case 'ending':
        return { ...base, resume: 'ending', removeStrays: false };
      case 'streaming':
        return {
          ...base,
          resume: c.live || !c.gone ? 'streaming.live' : 'streaming.inputLost',
          removeStrays: false,
        };
      case 'ready':
        if (row.substate === 'starting' && row.broadcastId) {
          // Crashed mid-Start: run Start again; it adopts what was already created.
          return { ...base, resume: 'ready.starting', removeStrays: false };
        }
        return { ...base, resume: c.live ? 'ready' : undefined, removeStrays: base.providerKnown };
      default:
        return { ...base, resume: c.live ? 'ready' : undefined, removeStrays: base.providerKnown };
    }
  }
}
