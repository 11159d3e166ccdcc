import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventBus } from '../events/event-bus';
import { SANDBOX, Sandbox } from '../providers/sandbox';
import { SessionRegistry } from '../sessions/session-registry';
import { SessionStore } from '../sessions/session.store';
import type { StreamEntity } from '../streams/entities/stream.entity';
import { IngestService } from '../streams/ingest.service';
import type { PublicStatus } from './public-status';

/** How long a request waits for a fresh answer before serving the cached one. */
const ANSWER_WITHIN_MS = 250;
const MAX_ENTRIES = 50_000;

/**
 * Public stream status, decoupled from any page (seed 000). Answers from an in-memory
 * cache that session events keep fresh, so a slow database or provider never makes a
 * viewer page wait: past a short deadline the last known status is served.
 */
@Injectable()
export class PublicStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, PublicStatus>();
  private readonly streams = new Map<string, StreamEntity | null>();
  private readonly listeners = new Set<(userId: string, s: PublicStatus) => void>();
  private unsubscribe?: () => void;
  private readonly domain?: string;
  /** How long a computed status is served without asking again. */
  private readonly freshMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(SANDBOX) sandbox: Sandbox,
    private readonly registry: SessionRegistry,
    private readonly store: SessionStore,
    private readonly ingest: IngestService,
    private readonly events: EventBus,
  ) {
    this.freshMs = config.publicStatusFreshMs;
    this.domain =
      config.cloudflare.streamDomain ??
      (sandbox.fake ? new URL(sandbox.fake.origin).host : undefined);
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.on('session.changed', ({ userId }) => {
      this.streams.delete(userId); // the ingest may have been rotated or re-provisioned
      // Only streams someone has asked about (a page or a /public subscriber) are kept
      // fresh: the others are computed on their first request.
      if (this.cache.has(userId)) void this.refresh(userId).catch(() => undefined);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Called with every changed status (the /public namespace forwards them). */
  onChange(listener: (userId: string, s: PublicStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async get(userId: string): Promise<PublicStatus> {
    const cached = this.cache.get(userId);
    if (cached && Date.now() - Date.parse(cached.lastChecked) < this.freshMs) return cached;
    const fresh = this.refresh(userId);
    const timeout = new Promise<undefined>((r) =>
      setTimeout(() => r(undefined), ANSWER_WITHIN_MS).unref(),
    );
    const answer = await Promise.race([fresh.catch(() => undefined), timeout]);
    return (
      answer ??
      cached ?? {
        status: 'unknown',
        health: 'unknown',
        playback: null,
        lastChecked: new Date().toISOString(),
      }
    );
  }

  private async refresh(userId: string): Promise<PublicStatus> {
    const status = await this.compute(userId);
    const before = this.cache.get(userId);
    if (this.cache.size >= MAX_ENTRIES && !before)
      this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(userId, status);
    if (!before || before.status !== status.status || before.health !== status.health) {
      for (const l of this.listeners) l(userId, status);
    }
    return status;
  }

  private async compute(userId: string): Promise<PublicStatus> {
    const lastChecked = new Date().toISOString();
    const actor = this.registry.peek(userId);
    const row = actor?.record ?? (await this.store.find(userId));
    if (!row) return { status: 'unknown', health: 'unknown', playback: null, lastChecked };
    let stream = this.streams.get(userId);
    if (stream === undefined) {
      stream = await this.ingest.find(userId);
      this.streams.set(userId, stream);
    }
    const recording = stream?.playback?.hls;
    if (row.state !== 'streaming') {
      return {
        status: 'offline',
        health: 'unknown',
        playback: null,
        ...(recording ? { fallbackUrl: recording } : {}),
        lastChecked,
      };
    }
    const inputLost = row.substate === 'inputLost';
    const degraded =
      Boolean(row.failedReason) || [...(actor?.chat.values() ?? [])].includes('failed');
    return {
      status: 'live',
      health: inputLost ? 'down' : degraded ? 'degraded' : 'healthy',
      playback: this.livePlayback(stream),
      ...(recording ? { fallbackUrl: recording } : {}),
      lastChecked,
    };
  }

  private livePlayback(stream: StreamEntity | null | undefined): PublicStatus['playback'] {
    if (!stream?.providerInputId || !this.domain) return null;
    const base = `https://${this.domain}/${stream.providerInputId}`;
    return {
      hls: `${base}/manifest/video.m3u8`,
      dash: `${base}/manifest/video.mpd`,
      webRTC: `${base}/webRTC/play`,
    };
  }
}
