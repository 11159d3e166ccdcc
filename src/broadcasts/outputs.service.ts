import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, IsNull, Not, Repository } from 'typeorm';
import { CLOUDFLARE_STREAM, CloudflareStreamPort } from '../../libs/cloudflare';
import { LIVEKIT, type EgressInfo, type LiveKitPort } from '../../libs/livekit';
import { EventBus } from '../events/event-bus';
import type { Platform } from '../platforms/platform';
import { PlatformsService } from '../platforms/platforms.service';
import type { StartOutputsResult } from '../sessions/machine/session.machine';
import { IngestService } from '../streams/ingest.service';
import { BroadcastEntity } from './entities/broadcast.entity';
import { OutputEntity, OutputStatus } from './entities/output.entity';
import { CloudflareOutputBackend } from './output-backends/cloudflare-output.backend';
import { outcomeFromEgress } from './output-backends/egress-outcome';
import { LiveKitEgressBackend } from './output-backends/livekit-egress.backend';
import {
  describeError,
  type DestinationOutcome,
  type OutputBackend,
  type OutputDestination,
} from './output-backends/output-backend';

export { CleanupIncompleteError } from './output-backends/output-backend';

/**
 * One output per platform per broadcast, through the backend of the user's ingest source
 * (Cloudflare live outputs, or one LiveKit RTMP egress). Every provider call is preceded
 * by a stored intent, and every backend pass starts by listing what the provider really
 * has, so a retry or a crash at any point adopts what exists instead of creating a
 * duplicate, and cleanup removes everything and verifies by listing again.
 */
@Injectable()
export class OutputsService {
  private readonly logger = new Logger(OutputsService.name);
  private readonly backends: Record<OutputBackend['source'], OutputBackend>;

  constructor(
    @InjectRepository(OutputEntity) private readonly outputs: Repository<OutputEntity>,
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    @Inject(CLOUDFLARE_STREAM) cloudflare: CloudflareStreamPort,
    @Inject(LIVEKIT) livekit: LiveKitPort | null,
    private readonly ingest: IngestService,
    private readonly platforms: PlatformsService,
    private readonly events: EventBus,
  ) {
    this.backends = {
      cloudflare: new CloudflareOutputBackend(cloudflare, ingest),
      livekit: new LiveKitEgressBackend(livekit),
    };
  }

  async start(args: {
    userId: string;
    broadcastId: string;
    platforms: Platform[];
    title: string;
  }): Promise<StartOutputsResult> {
    const { userId, broadcastId } = args;
    const backend = await this.backendFor(userId);
    await this.broadcasts.upsert(
      {
        id: broadcastId,
        userId,
        title: args.title,
        platforms: args.platforms,
        startedAt: new Date(),
      },
      { conflictPaths: ['id'], skipUpdateIfNoValuesChanged: true },
    );
    const intents = await Promise.all(
      args.platforms.map((p) => this.intent(userId, broadcastId, p)),
    );
    let outcomes: DestinationOutcome[];
    try {
      outcomes = await backend.start(userId, await this.destinations(intents));
    } catch (err) {
      // The provider could not even be asked: leave no half-made broadcast behind.
      await backend.removeAll(userId).catch(() => undefined);
      await this.discard(broadcastId);
      throw err;
    }
    try {
      for (const [i, row] of intents.entries()) await this.apply(row, outcomes[i]);
    } catch (err) {
      // The outputs exist but could not be recorded (the database went away): the session
      // goes back to ready, so they must not stay live (a chaos run found them left behind).
      await backend
        .removeAll(userId)
        .catch((cleanupErr: unknown) =>
          this.logger.error(
            { err: cleanupErr, userId },
            'Outputs of a failed Start could not be removed; an ops reconcile of the session removes them',
          ),
        );
      throw err;
    }
    const active = intents.filter((r) => r.status === 'active').map((r) => r.platform);
    const failed = intents
      .filter((r) => r.status !== 'active')
      .map((r) => ({ platform: r.platform, error: r.lastError ?? r.status }));
    if (active.length === 0) {
      // Nothing went live: leave nothing behind (no outputs, no intents, no broadcast).
      await backend.removeAll(userId);
      await this.discard(broadcastId);
    }
    return { active, failed };
  }

  /** Add, pause or resume one platform while live. */
  async setEnabled(
    userId: string,
    broadcastId: string,
    platform: Platform,
    enabled: boolean,
  ): Promise<OutputEntity> {
    const backend = await this.backendFor(userId);
    let row = await this.outputs.findOneBy({ broadcastId, platform });
    if (!row) {
      row = await this.intent(userId, broadcastId, platform);
      await this.broadcasts
        .createQueryBuilder()
        .update()
        .set({ platforms: () => `array_append(platforms, :platform)` })
        .where('id = :id AND NOT (:platform = ANY(platforms))', { id: broadcastId, platform })
        .execute();
    }
    row.enabled = enabled;
    await this.outputs.save(row);
    const [destination] = await this.destinations([row]);
    try {
      await this.apply(row, await backend.setEnabled(userId, destination, enabled));
    } catch (err) {
      await this.setStatus(row, row.status, describeError(err));
      throw err;
    }
    return row;
  }

  /**
   * The output manager's periodic check while streaming: re-create an enabled output
   * the provider lost, remove duplicates and outputs nobody asked for.
   */
  async verify(userId: string, broadcastId: string): Promise<void> {
    const backend = await this.backendFor(userId);
    const rows = await this.outputs.findBy({ broadcastId, status: Not('removed') });
    const outcomes = await backend.verify(userId, await this.destinations(rows));
    for (const [i, row] of rows.entries()) await this.apply(row, outcomes[i]);
  }

  /** Remove every output of the user's ingest, verify by listing, then close the broadcast. */
  async cleanup(args: {
    userId: string;
    broadcastId: string | null;
    reason: string;
  }): Promise<void> {
    const backend = await this.backendFor(args.userId);
    const rows = args.broadcastId
      ? await this.outputs.findBy({ broadcastId: args.broadcastId, status: Not('removed') })
      : [];
    for (const row of rows) await this.setStatus(row, 'removing', null);
    await backend.removeAll(args.userId);
    for (const row of rows) await this.setStatus(row, 'removed', null);
    if (args.broadcastId) {
      await this.broadcasts.update(
        { id: args.broadcastId, endedAt: IsNull() },
        { endedAt: new Date(), endReason: args.reason },
      );
    }
  }

  /**
   * Which of these users may have outputs on the provider: every output is recorded as an
   * intent before it is created, and marked removed only once its deletion was verified,
   * so a user without an unremoved output row has none (no provider call needed).
   */
  async usersWithOpenOutputs(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: { user_id: string }[] = await this.outputs.query(
      `SELECT DISTINCT user_id FROM outputs WHERE user_id = ANY($1::text[]) AND status <> 'removed'`,
      [userIds],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  /** Outputs exist only while streaming or ending; anything else on the provider is a leak. */
  async removeStrays(userId: string): Promise<number> {
    const removed = await (await this.backendFor(userId)).removeAll(userId);
    await this.outputs.update(
      { userId, status: Not(In(['removed'])) },
      { status: 'removed', updatedAt: new Date() },
    );
    return removed;
  }

  /**
   * A LiveKit egress reported its destinations (webhook): each output of that egress
   * takes its URL's status. Returns how many outputs the egress has.
   */
  async applyEgressInfo(userId: string, egress: EgressInfo): Promise<number> {
    const rows = await this.outputs.findBy({
      userId,
      providerOutputId: egress.egressId,
      status: Not('removed'),
    });
    const destinations = await this.destinations(rows);
    for (const [i, row] of rows.entries()) {
      const outcome = outcomeFromEgress(egress, destinations[i]);
      // Cleanup owns outputs being removed; a late "active" report must not revive them.
      if (row.status === 'removing' && outcome.status === 'active') continue;
      // LiveKit reported this failure; it was not one of our attempts.
      await this.apply(
        row,
        outcome.status === 'failed' ? { ...outcome, attempted: false } : outcome,
      );
    }
    return rows.length;
  }

  private async backendFor(userId: string): Promise<OutputBackend> {
    const stream = await this.ingest.find(userId);
    return this.backends[stream?.source === 'livekit' ? 'livekit' : 'cloudflare'];
  }

  private async discard(broadcastId: string): Promise<void> {
    await this.outputs.delete({ broadcastId });
    await this.broadcasts.delete({ id: broadcastId });
  }

  private async intent(
    userId: string,
    broadcastId: string,
    platform: Platform,
  ): Promise<OutputEntity> {
    await this.outputs
      .createQueryBuilder()
      .insert()
      .values({ id: randomUUID(), userId, broadcastId, platform, enabled: true, status: 'pending' })
      .orIgnore()
      .execute();
    return this.outputs.findOneByOrFail({ broadcastId, platform });
  }

  /** Intents with their platform credentials, for a backend (never stored, never logged). */
  private destinations(rows: OutputEntity[]): Promise<OutputDestination[]> {
    return Promise.all(
      rows.map(async (row) => {
        const creds = await this.platforms.credentials(row.userId, row.platform);
        return {
          outputId: row.id,
          platform: row.platform,
          enabled: row.enabled,
          status: row.status,
          providerOutputId: row.providerOutputId,
          ingestUrl: creds?.ingestUrl ?? '',
          streamKey: creds?.streamKey ?? null,
        };
      }),
    );
  }

  /** Records what the backend reports for one intent; `null` leaves it as it is. */
  private async apply(row: OutputEntity, outcome: DestinationOutcome | null): Promise<void> {
    if (!outcome) return;
    if (outcome.providerOutputId) row.providerOutputId = outcome.providerOutputId;
    if (
      (outcome.status === 'active' && outcome.created) ||
      (outcome.status === 'failed' && outcome.attempted)
    )
      row.attempts += 1;
    await this.setStatus(row, outcome.status, outcome.status === 'failed' ? outcome.error : null);
  }

  private async setStatus(
    row: OutputEntity,
    status: OutputStatus,
    lastError: string | null,
  ): Promise<void> {
    const changed = row.status !== status || row.lastError !== lastError;
    row.status = status;
    row.lastError = lastError;
    row.updatedAt = new Date();
    await this.outputs.save(row);
    if (changed) {
      this.events.emit('session.output', {
        userId: row.userId,
        platform: row.platform,
        status,
        ...(lastError ? { lastError } : {}),
      });
    }
  }
}
