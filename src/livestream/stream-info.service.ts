import { Inject, Injectable } from '@nestjs/common';
import { LIVEKIT, type LiveKitPort } from '../../libs/livekit';
import { ApiError } from '../common/errors/api-error';
import type { StreamEntity } from '../streams/entities/stream.entity';
import type { ChatSettingsDto } from './dto/chat-settings.dto';
import type { SetupStreamDto } from './dto/setup-stream.dto';
import type { UpdateStreamInfoDto } from './dto/update-stream-info.dto';
import { LiveStreamRecords } from './live-stream.records';
import type { StreamInfoView } from './livestream.view';
import { toStreamInfo } from './stream-info.mapper';

/** The stream record of seed 002: title, description and chat settings (P3, P4, P8). */
@Injectable()
export class StreamInfoService {
  constructor(
    private readonly records: LiveStreamRecords,
    @Inject(LIVEKIT) private readonly livekit: LiveKitPort | null,
  ) {}

  /** P8: any non-empty title creates the record, or updates it, with exactly these values. */
  async setup(userId: string, dto: SetupStreamDto): Promise<StreamInfoView> {
    await this.records.ensure(userId, dto.title);
    const row = await this.records.patch(userId, {
      title: dto.title,
      settings: {
        description: dto.description,
        isChatEnabled: dto.isChatEnabled,
        isChatDelayed: dto.isChatDelayed,
        isChatFollowersOnly: dto.isChatFollowersOnly,
      },
    });
    return this.view(row);
  }

  async info(userId: string): Promise<StreamInfoView> {
    return this.view(await this.records.find(userId));
  }

  /** P3: only the fields sent change; isLive is never touched here. */
  async updateInfo(userId: string, dto: UpdateStreamInfoDto): Promise<StreamInfoView> {
    return this.view(
      await this.records.patch(userId, {
        title: dto.title,
        settings: { description: dto.description },
      }),
    );
  }

  /** P4: each flag sent is stored as sent; flags left out keep their value. */
  async chatSettings(userId: string, dto: ChatSettingsDto): Promise<StreamInfoView> {
    return this.view(
      await this.records.patch(userId, {
        settings: {
          isChatEnabled: dto.isChatEnabled,
          isChatDelayed: dto.isChatDelayed,
          isChatFollowersOnly: dto.isChatFollowersOnly,
        },
      }),
    );
  }

  view(row: StreamEntity | null): StreamInfoView {
    if (!row) throw noStream();
    return toStreamInfo(row, this.livekit?.roomNameForUser(row.userId) ?? row.userId);
  }
}

export function noStream(): ApiError {
  return ApiError.notFound('NOT_FOUND', 'No stream yet: set it up with POST /api/stream/setup');
}
