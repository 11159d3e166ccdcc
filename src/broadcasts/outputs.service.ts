import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, IsNull, Not, Repository } from 'typeorm';
import { CLOUDFLARE_STREAM, CloudflareStreamPort, LiveOutput } from '../../libs/cloudflare';
import { isProviderError } from '../../libs/common/provider-error';
import { EventBus } from '../events/event-bus';
import type { Platform } from '../platforms/platform';
import { PlatformCredentials, PlatformsService } from '../platforms/platforms.service';
import type { StartOutputsResult } from '../sessions/machine/session.machine';
import { IngestService } from '../streams/ingest.service';
import { BroadcastEntity } from './entities/broadcast.entity';
import { OutputEntity, OutputStatus } from './entities/output.entity';

export class CleanupIncompleteError extends Error {}

/**
 * One Cloudflare live output per platform. Every provider call is preceded by a stored
 * intent, and every pass starts by listing what the provider really has, so a retry or a
 * crash at any point adopts what exists instead of creating a duplicate, and cleanup
 * deletes everything on the input and verifies by listing again.
 */
@Injectable()
export class OutputsService {
  private readonly logger = new Logger(OutputsService.name);

  constructor(
    @InjectRepository(OutputEntity) private readonly outputs: Repository<OutputEntity>,
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    @Inject(CLOUDFLARE_STREAM) private readonly cloudflare: CloudflareStreamPort,
    private readonly ingest: IngestService,
    private readonly platforms: PlatformsService,
    private readonly events: EventBus,
  ) {}

  async start(args: {
    userId: string;
    broadcastId: string;
    platforms: Platform[];
    title: string;
  }): Promise<StartOutputsResult> {
    const { userId, broadcastId } = args;
    const inputId = await this.requireInput(userId);
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
    const existing = await this.cloudflare.listOutputs(inputId);
    const results = await Promise.all(intents.map((row) => this.realise(inputId, row, existing)));
    const active = intents.filter((_, i) => results[i] === undefined).map((r) => r.platform);
    const failed = intents.flatMap((r, i) =>
      results[i] === undefined ? [] : [{ platform: r.platform, error: results[i]! }],
    );
    if (active.length === 0) {
      // Nothing went live: leave nothing behind (no outputs, no intents, no broadcast).
      await this.deleteAllAndVerify(inputId);
      await this.outputs.delete({ broadcastId });
      await this.broadcasts.delete({ id: broadcastId });
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
    const inputId = await this.requireInput(userId);
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
    if (row.providerOutputId && row.status === 'active') {
      try {
        await this.cloudflare.updateOutput(inputId, row.providerOutputId, { enabled });
        await this.setStatus(row, 'active', null);
      } catch (err) {
        await this.setStatus(row, row.status, describe(err));
        throw err;
      }
    } else if (enabled) {
      await this.realise(inputId, row, await this.cloudflare.listOutputs(inputId));
    }
    return row;
  }

  /**
   * The output manager's periodic check while streaming: re-create an enabled output
   * the provider lost, delete duplicates and outputs nobody asked for.
   */
  async verify(userId: string, broadcastId: string): Promise<void> {
    const inputId = await this.requireInput(userId);
    const [rows, existing] = await Promise.all([
      this.outputs.findBy({ broadcastId, status: Not('removed') }),
      this.cloudflare.listOutputs(inputId),
    ]);
    const claimed = new Set<string>();
    for (const row of rows) {
      const creds = await this.platforms.credentials(userId, row.platform);
      const match = existing.find((o) => !claimed.has(o.uid) && matches(o, row, creds));
      if (match) {
        claimed.add(match.uid);
        if (row.providerOutputId !== match.uid || row.status !== 'active') {
          row.providerOutputId = match.uid;
          await this.setStatus(row, 'active', null);
        }
      } else if (row.enabled && row.status !== 'removing') {
        await this.realise(inputId, row, existing);
        if (row.providerOutputId) claimed.add(row.providerOutputId);
      }
    }
    for (const stray of existing.filter((o) => !claimed.has(o.uid))) {
      this.logger.warn(
        { userId, outputId: stray.uid },
        'Deleting an output that has no intent (duplicate or leaked)',
      );
      await this.cloudflare.deleteOutput(inputId, stray.uid);
    }
  }

  /** Delete every output of the input, verify by listing, then close the broadcast. */
  async cleanup(args: {
    userId: string;
    broadcastId: string | null;
    reason: string;
  }): Promise<void> {
    const inputId = await this.ingest.inputIdOf(args.userId);
    const rows = args.broadcastId
      ? await this.outputs.findBy({ broadcastId: args.broadcastId, status: Not('removed') })
      : [];
    for (const row of rows) await this.setStatus(row, 'removing', null);
    if (inputId) await this.deleteAllAndVerify(inputId);
    for (const row of rows) await this.setStatus(row, 'removed', null);
    if (args.broadcastId) {
      await this.broadcasts.update(
        { id: args.broadcastId, endedAt: IsNull() },
        { endedAt: new Date(), endReason: args.reason },
      );
    }
  }

  /** Outputs exist only while streaming or ending; anything else on the input is a leak. */
  async removeStrays(userId: string): Promise<number> {
    const inputId = await this.ingest.inputIdOf(userId);
    if (!inputId) return 0;
    const existing = await this.cloudflare.listOutputs(inputId);
    if (existing.length > 0) await this.deleteAllAndVerify(inputId);
    await this.outputs.update(
      { userId, status: Not(In(['removed'])) },
      { status: 'removed', updatedAt: new Date() },
    );
    return existing.length;
  }

  async forBroadcast(broadcastId: string): Promise<OutputEntity[]> {
    return this.outputs.find({ where: { broadcastId }, order: { platform: 'ASC' } });
  }

  private async deleteAllAndVerify(inputId: string): Promise<void> {
    const existing = await this.cloudflare.listOutputs(inputId);
    await Promise.all(existing.map((o) => this.cloudflare.deleteOutput(inputId, o.uid)));
    const left = await this.cloudflare.listOutputs(inputId);
    if (left.length > 0)
      throw new CleanupIncompleteError(`${left.length} output(s) still listed after delete`);
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

  /** Make the provider match one intent. Returns undefined on success, else the error. */
  private async realise(
    inputId: string,
    row: OutputEntity,
    existing: LiveOutput[],
  ): Promise<string | undefined> {
    const creds = await this.platforms.credentials(row.userId, row.platform);
    if (!creds?.streamKey) {
      await this.setStatus(row, 'failed', `${row.platform} is not connected (no stream key)`);
      return row.lastError!;
    }
    const found = existing.find((o) => matches(o, row, creds));
    try {
      const output =
        found ??
        (await this.cloudflare.createOutput(inputId, {
          url: creds.ingestUrl,
          streamKey: creds.streamKey,
          enabled: row.enabled,
        }));
      row.providerOutputId = output.uid;
      row.attempts += found ? 0 : 1;
      await this.setStatus(row, 'active', null);
      return undefined;
    } catch (err) {
      row.attempts += 1;
      await this.setStatus(row, 'failed', describe(err));
      return row.lastError!;
    }
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

  private async requireInput(userId: string): Promise<string> {
    const inputId = await this.ingest.inputIdOf(userId);
    if (!inputId) throw new Error(`user ${userId} has no live input`);
    return inputId;
  }
}

function matches(o: LiveOutput, row: OutputEntity, creds: PlatformCredentials | null): boolean {
  if (row.providerOutputId && o.uid === row.providerOutputId) return true;
  return (
    Boolean(creds?.streamKey) && o.url === creds!.ingestUrl && o.streamKey === creds!.streamKey
  );
}

/** A message safe to store and show: never the key, never a raw SDK dump. */
function describe(err: unknown): string {
  if (isProviderError(err)) return `${err.kind}: ${err.message}`.slice(0, 300);
  return err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
}
