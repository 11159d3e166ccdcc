import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { CLOUDFLARE_STREAM, CloudflareStreamPort, StreamVideo } from '../../libs/cloudflare';
import { BroadcastEntity } from '../broadcasts/entities/broadcast.entity';
import { ApiError } from '../common/errors/api-error';
import { EventBus } from '../events/event-bus';
import { StreamEntity } from '../streams/entities/stream.entity';

const POLL_EVERY_MS = 30_000;
const POLL_FOR_MS = 10 * 60_000;

/**
 * Links a finished broadcast to its Cloudflare recording: from the signed Stream video
 * webhook first, with polling of the input's videos as the fallback (every 30 s for
 * 10 minutes after the broadcast ends, as seed 003 does), and on demand for ops.
 */
@Injectable()
export class RecordingsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RecordingsService.name);
  private readonly pollers = new Map<string, NodeJS.Timeout>();
  private unsubscribe?: () => void;

  constructor(
    @Inject(CLOUDFLARE_STREAM) private readonly cloudflare: CloudflareStreamPort,
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
    @InjectRepository(StreamEntity) private readonly streams: Repository<StreamEntity>,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.on('session.transition', (t) => {
      if (t.from === 'ending') this.pollAfterEnd(t.userId);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const t of this.pollers.values()) clearInterval(t);
    this.pollers.clear();
  }

  /** A verified Stream video webhook: link the video to the broadcast it recorded. */
  async linkFromWebhook(video: StreamVideo): Promise<boolean> {
    if (!video.liveInput || !video.readyToStream) return false;
    const stream = await this.streams.findOneBy({ providerInputId: video.liveInput });
    if (!stream) return false;
    return this.link(stream.userId, video);
  }

  /** Ops "sync recording": find the recording of the user's last broadcast and link it. */
  async syncLatest(
    userId: string,
  ): Promise<{ linked: boolean; broadcastId?: string; videoId?: string }> {
    const stream = await this.streams.findOneBy({ userId });
    if (!stream?.providerInputId)
      throw ApiError.notFound('INGEST_NOT_PROVISIONED', `User ${userId} has no live input`);
    const videos = await this.cloudflare.listVideos(stream.providerInputId);
    const ready = videos.filter((v) => v.readyToStream);
    for (const video of ready) {
      if (await this.link(userId, video)) {
        const b = await this.broadcasts.findOneBy({ recordingVideoId: video.uid });
        return { linked: true, broadcastId: b?.id, videoId: video.uid };
      }
    }
    return { linked: false };
  }

  /**
   * Seed 003's "fix playback URL": take the playback URLs of the newest ready recording
   * straight from Cloudflare and write them on its broadcast and on the public status.
   */
  async fixPlayback(userId: string): Promise<{ fixed: boolean; videoId?: string; hls?: string }> {
    const stream = await this.streams.findOneBy({ userId });
    if (!stream?.providerInputId)
      throw ApiError.notFound('INGEST_NOT_PROVISIONED', `User ${userId} has no live input`);
    const video = (await this.cloudflare.listVideos(stream.providerInputId)).find(
      (v) => v.readyToStream,
    );
    if (!video) return { fixed: false };
    const playback = { hls: video.playback?.hls, dash: video.playback?.dash };
    await this.streams.update({ userId }, { playback });
    await this.broadcasts.update(
      { recordingVideoId: video.uid },
      { recording: { ...playback, thumbnail: video.thumbnail } },
    );
    return { fixed: true, videoId: video.uid, hls: playback.hls };
  }

  /** Seed 003's "fix CORS": the origins allowed to play the input's recordings. */
  async setAllowedOrigins(
    userId: string,
    origins: string[],
  ): Promise<{ allowedOrigins: string[] }> {
    const stream = await this.streams.findOneBy({ userId });
    if (!stream?.providerInputId)
      throw ApiError.notFound('INGEST_NOT_PROVISIONED', `User ${userId} has no live input`);
    await this.cloudflare.updateLiveInput(stream.providerInputId, {
      recording: { allowedOrigins: origins },
    });
    return { allowedOrigins: origins };
  }

  private async link(userId: string, video: StreamVideo): Promise<boolean> {
    const already = await this.broadcasts.findOneBy({ recordingVideoId: video.uid });
    if (already) return true;
    // The recording belongs to the latest finished broadcast that started before it was created.
    const created = video.created ? new Date(video.created) : new Date();
    const candidates = await this.broadcasts.find({
      where: { userId, endedAt: Not(IsNull()), recordingVideoId: IsNull() },
      order: { startedAt: 'DESC' },
      take: 5,
    });
    const target =
      candidates.find((b) => b.startedAt.getTime() <= created.getTime() + 60_000) ?? candidates[0];
    if (!target) return false;
    await this.broadcasts.update(
      { id: target.id },
      {
        recordingVideoId: video.uid,
        recording: {
          hls: video.playback?.hls,
          dash: video.playback?.dash,
          thumbnail: video.thumbnail,
        },
      },
    );
    await this.streams.update(
      { userId },
      { playback: { hls: video.playback?.hls, dash: video.playback?.dash } },
    );
    this.logger.log({ userId, broadcastId: target.id, videoId: video.uid }, 'Recording linked');
    return true;
  }

  private pollAfterEnd(userId: string): void {
    if (this.pollers.has(userId)) return;
    const until = Date.now() + POLL_FOR_MS;
    const timer = setInterval(() => {
      void this.syncLatest(userId)
        .then((r) => {
          if (r.linked || Date.now() > until) this.stopPolling(userId);
        })
        .catch((err: unknown) => {
          this.logger.debug({ err, userId }, 'Recording poll failed; will retry');
          if (Date.now() > until) this.stopPolling(userId);
        });
    }, POLL_EVERY_MS);
    timer.unref();
    this.pollers.set(userId, timer);
  }

  private stopPolling(userId: string): void {
    clearInterval(this.pollers.get(userId));
    this.pollers.delete(userId);
  }
}
