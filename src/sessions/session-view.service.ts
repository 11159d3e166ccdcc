import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CLOUDFLARE_STREAM, CloudflareStreamPort } from '../../libs/cloudflare';
import { BroadcastEntity } from '../broadcasts/entities/broadcast.entity';
import { OutputsService } from '../broadcasts/outputs.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PLATFORMS } from '../platforms/platform';
import { PlatformsService } from '../platforms/platforms.service';
import { IngestService } from '../streams/ingest.service';
import type { SessionEntity } from './entities/session.entity';
import type { SessionActor } from './session-actor';
import type { SessionView } from './session.view';

/** Builds the contract's session view from the live actor (or the stored row when passivated). */
@Injectable()
export class SessionViewService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOUDFLARE_STREAM) private readonly cloudflare: CloudflareStreamPort,
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    private readonly outputs: OutputsService,
    private readonly platforms: PlatformsService,
    private readonly ingest: IngestService,
  ) {}

  async build(row: SessionEntity, actor?: SessionActor): Promise<SessionView> {
    const [stream, connections, broadcast] = await Promise.all([
      this.ingest.find(row.userId),
      this.platforms.list(row.userId),
      row.broadcastId ? this.broadcasts.findOneBy({ id: row.broadcastId }) : Promise.resolve(null),
    ]);
    const outputs = row.broadcastId ? await this.outputs.forBroadcast(row.broadcastId) : [];
    const ingest = stream ? this.ingest.toView(stream) : null;
    const reasons: string[] = [];
    const providerProblem = this.cloudflare.healthProblem(stream?.providerInputId ?? undefined);
    if (providerProblem) reasons.push(`cloudflare: ${providerProblem}`);
    for (const o of outputs) if (o.status === 'failed') reasons.push(`output ${o.platform} failed`);
    for (const [platform, chat] of actor?.chat ?? [])
      if (chat === 'failed') reasons.push(`chat ${platform} failed`);
    for (const c of actor?.children.values() ?? [])
      if (c.status === 'escalated' || c.status === 'restarting')
        reasons.push(`${c.name} ${c.status}`);
    if (row.failedReason) reasons.push(`failed: ${row.failedReason}`);
    if ((actor?.unsavedWrites ?? 0) > 1) reasons.push('database: state writes queued');
    return {
      userId: row.userId,
      state: row.state,
      stateSince: row.stateSince.toISOString(),
      ...(row.substate ? { substate: row.substate } : {}),
      input: {
        source: stream?.source ?? 'cloudflare',
        status: row.inputStatus,
        lastSeenAt: actor?.snapshot.context.input.at ?? row.inputLastSeenAt?.toISOString() ?? null,
        ingest: {
          rtmps: ingest?.rtmps ?? null,
          ...(ingest?.srt ? { srt: ingest.srt } : {}),
          ...(ingest?.webRTC ? { webRTC: ingest.webRTC } : {}),
        },
      },
      outputs: outputs
        .filter((o) => o.status !== 'removed' || row.state === 'ending')
        .map((o) => ({
          platform: o.platform,
          enabled: o.enabled,
          status: o.status,
          ...(o.lastError ? { lastError: o.lastError } : {}),
        })),
      platforms: PLATFORMS.map((platform) => {
        const viewers = actor?.viewers.get(platform);
        return {
          platform,
          connected: connections.find((c) => c.platform === platform)?.connected ?? false,
          chat: actor?.chat.get(platform) ?? 'off',
          ...(viewers !== undefined ? { viewers } : {}),
        };
      }),
      ...(broadcast
        ? {
            broadcast: {
              id: broadcast.id,
              title: broadcast.title,
              startedAt: broadcast.startedAt.toISOString(),
            },
          }
        : {}),
      ...(row.graceEndsAt ? { graceEndsAt: row.graceEndsAt.toISOString() } : {}),
      health: { degraded: reasons.length > 0, reasons },
      active: row.active,
      ...(row.failedReason ? { failed: { reason: row.failedReason } } : {}),
    };
  }

  /** Stuck: ending for too long, a child restarting in a loop, failed, or no fresh provider truth. */
  stuckReason(row: SessionEntity, actor?: SessionActor, now = Date.now()): string | null {
    if (row.failedReason) return `failed: ${row.failedReason}`;
    const inState = now - row.stateSince.getTime();
    if (row.state === 'ending' && inState > 3 * this.config.session.cleanupTimeoutMs) {
      return `ending for ${Math.round(inState / 1000)} s (cleanup attempts: ${row.cleanupAttempts})`;
    }
    for (const c of actor?.children.values() ?? []) {
      if (c.status === 'escalated') return `${c.name} exceeded its restart intensity`;
      if (c.restarts >= this.config.supervisor.maxRestarts)
        return `${c.name} restarting in a loop (${c.restarts} restarts)`;
    }
    const seenAt = actor?.snapshot.context.input.at;
    if ((row.state === 'ready' || row.state === 'streaming') && seenAt) {
      const stale = now - new Date(seenAt).getTime();
      const limit = Math.max(
        3 * this.config.session.reconcileIntervalMs,
        3 * this.config.cloudflare.pollSlowMs,
      );
      if (stale > limit) return `provider truth is ${Math.round(stale / 1000)} s old`;
    }
    return null;
  }
}
