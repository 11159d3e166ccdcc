import type { StreamEntity } from '../streams/entities/stream.entity';
import { liveSettingsOf } from './live-stream-settings';
import type { StreamInfoView } from './livestream.view';

export function toStreamInfo(row: StreamEntity, roomId: string): StreamInfoView {
  const s = liveSettingsOf(row);
  return {
    id: row.userId,
    userId: row.userId,
    title: row.title ?? '',
    description: s.description,
    isLive: s.isLive,
    liveSince: s.liveSince,
    isChatEnabled: s.isChatEnabled,
    isChatDelayed: s.isChatDelayed,
    isChatFollowersOnly: s.isChatFollowersOnly,
    source: row.source,
    roomId,
    updatedAt: row.updatedAt.toISOString(),
  };
}
