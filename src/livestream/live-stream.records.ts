import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { StreamEntity } from '../streams/entities/stream.entity';
import { IngestService } from '../streams/ingest.service';
import { SETTINGS_KEY, type LiveStreamSettings } from './live-stream-settings';

export interface StreamPatch {
  title?: string;
  source?: StreamEntity['source'];
  settings?: Partial<LiveStreamSettings>;
}

/**
 * The stream records of browser go-live. Every change is one UPDATE that merges only the
 * fields given into the stored jsonb, so concurrent changes of different fields (a title
 * edit while go-live flips isLive) never overwrite each other.
 */
@Injectable()
export class LiveStreamRecords {
  constructor(
    @InjectRepository(StreamEntity) private readonly streams: Repository<StreamEntity>,
    private readonly ingest: IngestService,
  ) {}

  find(userId: string): Promise<StreamEntity | null> {
    return this.streams.findOneBy({ userId });
  }

  /**
   * Creates the record if there is none. A record first made here belongs to a browser
   * streamer: it has no Cloudflare input, so its source is LiveKit from the start.
   */
  async ensure(userId: string, title: string): Promise<void> {
    await this.streams
      .createQueryBuilder()
      .insert()
      .values({ userId, title, source: 'livekit', settings: { [SETTINGS_KEY]: {} } })
      .orIgnore()
      .execute();
  }

  /** Applies the patch; null when the user has no stream record. */
  async patch(userId: string, patch: StreamPatch): Promise<StreamEntity | null> {
    const result = await this.streams
      .createQueryBuilder()
      .update(StreamEntity)
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.source !== undefined ? { source: patch.source } : {}),
        settings: () =>
          `jsonb_set(coalesce(settings, '{}'::jsonb), '{${SETTINGS_KEY}}', ` +
          `coalesce(settings->'${SETTINGS_KEY}', '{}'::jsonb) || CAST(:patch AS jsonb))`,
      })
      .where({ userId })
      .setParameter('patch', JSON.stringify(withoutUndefined(patch.settings ?? {})))
      .execute();
    // A new source re-routes the user's input webhooks: the ingest's remembered row is stale.
    if (patch.source !== undefined) this.ingest.forget(userId);
    return result.affected ? this.find(userId) : null;
  }
}

function withoutUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
