/** The public status of a stream (seed 000): safe for any viewer page, never a secret. */
export interface PublicStatus {
  status: 'live' | 'offline' | 'unknown';
  health: 'healthy' | 'degraded' | 'down' | 'unknown';
  playback: { hls: string; dash?: string; webRTC?: string } | null;
  fallbackUrl?: string;
  lastChecked: string;
}
