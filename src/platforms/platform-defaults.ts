import type { Platform } from './platform';

/** Where each platform takes RTMP(S) ingest when the streamer does not give a URL. */
export const DEFAULT_INGEST_URLS: Record<Platform, string> = {
  twitch: 'rtmps://live.twitch.tv:443/app',
  youtube: 'rtmps://a.rtmps.youtube.com:443/live2',
  kick: 'rtmps://fa723fc1b171.global-contribute.live-video.net:443/app',
  facebook: 'rtmps://live-api-s.facebook.com:443/rtmp',
};
