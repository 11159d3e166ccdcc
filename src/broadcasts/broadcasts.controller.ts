import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { BroadcastEntity } from './entities/broadcast.entity';
import { parseLimit } from '../common/http/query';

@ApiTags('broadcasts')
@ApiBearerAuth()
@Controller('api/broadcasts')
export class BroadcastsController {
  constructor(
    @InjectRepository(BroadcastEntity) private readonly broadcasts: Repository<BroadcastEntity>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My past and current broadcasts, newest first' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  async list(@CurrentUser() me: Principal, @Query('limit') limit?: string) {
    const rows = await this.broadcasts.find({
      where: { userId: me.userId },
      order: { startedAt: 'DESC' },
      take: parseLimit(limit, 50, 200),
    });
    return rows.map((b) => ({
      id: b.id,
      title: b.title,
      platforms: b.platforms,
      startedAt: b.startedAt.toISOString(),
      endedAt: b.endedAt?.toISOString() ?? null,
      endReason: b.endReason,
      peakViewers: b.peakViewers,
      chatCount: b.chatCount,
      recording: b.recording ? { videoId: b.recordingVideoId, ...b.recording } : null,
    }));
  }
}
