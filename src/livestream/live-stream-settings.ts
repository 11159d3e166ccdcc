import type { StreamEntity } from '../streams/entities/stream.entity';

/**
 * The seed-002 fields of a stream that have no column of their own, kept under
 * `streams.settings.livestream` (jsonb) so no migration is needed and other features'
 * settings never collide with them.
 */
export interface LiveStreamSettings {
  description: string | null;
  /** The streamer went live in the browser (go-live) and has not ended (end-stream). */
  isLive: boolean;
  liveSince: string | null;
  isChatEnabled: boolean;
  isChatDelayed: boolean;
  isChatFollowersOnly: boolean;
}

export const SETTINGS_KEY = 'livestream';

export const DEFAULT_LIVE_STREAM_SETTINGS: LiveStreamSettings = {
  description: null,
  isLive: false,
  liveSince: null,
  isChatEnabled: true,
  isChatDelayed: false,
  isChatFollowersOnly: false,
};

/** Reads the stored settings defensively: a missing or mistyped field takes its default. */
export function liveSettingsOf(row: Pick<StreamEntity, 'settings'>): LiveStreamSettings {
  const raw: unknown = row.settings?.[SETTINGS_KEY];
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const d = DEFAULT_LIVE_STREAM_SETTINGS;
  const bool = (k: keyof LiveStreamSettings, fallback: boolean) =>
    typeof stored[k] === 'boolean' ? stored[k] : fallback;
  const text = (k: keyof LiveStreamSettings) => (typeof stored[k] === 'string' ? stored[k] : null);
  return {
    description: text('description'),
    isLive: bool('isLive', d.isLive),
    liveSince: text('liveSince'),
    isChatEnabled: bool('isChatEnabled', d.isChatEnabled),
    isChatDelayed: bool('isChatDelayed', d.isChatDelayed),
    isChatFollowersOnly: bool('isChatFollowersOnly', d.isChatFollowersOnly),
  };
}
