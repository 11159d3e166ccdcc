import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CLOUDFLARE_STREAM, CloudflareStreamPort } from '../../libs/cloudflare';
import { BroadcastEntity } from '../broadcasts/entities/broadcast.entity';
import { OutputEntity } from '../broadcasts/entities/output.entity';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { entityFromJson } from '../database/json-entity';
import { Platform, PLATFORMS } from '../platforms/platform';
import { StreamEntity } from '../streams/entities/stream.entity';
import { IngestService } from '../streams/ingest.service';
import type { SessionEntity } from './entities/session.entity';
import type { SessionActor } from './session-actor';
import type { SessionView } from './session.view';

/**
 * Everything a view needs besides the session row, in one round trip: it is built on
 * every change a dashboard watches (four TypeORM reads cost more than the database did).
 * Connected means we can restream there: a stream key is stored.
 */
const VIEW_PARTS = `
  SELECT
    (SELECT to_jsonb(s) FROM streams s WHERE s.user_id = $1) AS stream,
    ARRAY(SELECT platform FROM platform_connections
           WHERE user_id = $1 AND stream_key_enc IS NOT NULL) AS connected,
    (SELECT to_jsonb(b) FROM broadcasts b WHERE b.id = $2) AS broadcast,
    ARRAY(SELECT to_jsonb(o) FROM outputs o WHERE o.broadcast_id = $2 ORDER BY o.platform)
      AS outputs`;

interface ViewParts {
  stream: Record<string, unknown> | null;
  connected: Platform[];
  broadcast: Record<string, unknown> | null;
  outputs: Record<string, unknown>[];
}

/** Builds the contract's session view from the live actor (or the stored row when passivated). */
@Injectable()
export class SessionViewService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOUDFLARE_STREAM) private readonly cloudflare: CloudflareStreamPort,
    @InjectDataSource() private readonly db: DataSource,
    private readonly ingest: IngestService,
  ) {}

  async build(row: SessionEntity, actor?: SessionActor): Promise<SessionView> {
    const [parts] = (await this.db.query(VIEW_PARTS, [row.userId, row.broadcastId])) as [ViewParts];
    const stream = entityFromJson<StreamEntity>(this.db.getMetadata(StreamEntity), parts.stream);
    const broadcast = entityFromJson<BroadcastEntity>(
      this.db.getMetadata(BroadcastEntity),
      parts.broadcast,
    );
    const outputMeta = this.db.getMetadata(OutputEntity);
    const outputs = parts.outputs.map((o) => entityFromJson<OutputEntity>(outputMeta, o)!);
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
          connected: parts.connected.includes(platform),
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
