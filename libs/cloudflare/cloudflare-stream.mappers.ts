import type { LiveInput, LiveOutput, StreamVideo } from './cloudflare-stream.port';
import { normalizeLiveInputStatus } from './live-input-status';

/**
 * Cloudflare's JSON → the port's types. Inputs are `unknown` on purpose: the wire can differ
 * from the SDK's declared types (the object form of `status` is one known case).
 */
type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function toLiveInput(raw: unknown): LiveInput {
  const input = obj(raw);
  const rtmps = obj(input.rtmps);
  const srt = input.srt === undefined ? undefined : obj(input.srt);
  const webRTC = input.webRTC === undefined ? undefined : obj(input.webRTC);
  const webRTCPlayback = input.webRTCPlayback === undefined ? undefined : obj(input.webRTCPlayback);
  const mode = obj(input.recording).mode;
  return {
    uid: str(input.uid) ?? '',
    status: normalizeLiveInputStatus(input.status),
    meta: obj(input.meta),
    rtmps: { url: str(rtmps.url) ?? '', streamKey: str(rtmps.streamKey) ?? '' },
    ...(srt && {
      srt: {
        url: str(srt.url) ?? '',
        streamId: str(srt.streamId) ?? '',
        passphrase: str(srt.passphrase) ?? '',
      },
    }),
    ...(webRTC && { webRTC: { url: str(webRTC.url) ?? '' } }),
    ...(webRTCPlayback && { webRTCPlayback: { url: str(webRTCPlayback.url) ?? '' } }),
    recordingMode: mode === 'automatic' ? 'automatic' : 'off',
    ...(str(input.created) !== undefined && { created: str(input.created) }),
    ...(str(input.modified) !== undefined && { modified: str(input.modified) }),
  };
}

export function toLiveOutput(raw: unknown): LiveOutput {
  const output = obj(raw);
  return {
    uid: str(output.uid) ?? '',
    url: str(output.url) ?? '',
    streamKey: str(output.streamKey) ?? '',
    // Cloudflare's default for a new output is enabled.
    enabled: output.enabled !== false,
  };
}

export function toStreamVideo(raw: unknown): StreamVideo {
  const video = obj(raw);
  const playback = video.playback === undefined ? undefined : obj(video.playback);
  const state = str(obj(video.status).state);
  return {
    uid: str(video.uid) ?? '',
    readyToStream: video.readyToStream === true,
    ...(str(video.liveInput) !== undefined && { liveInput: str(video.liveInput) }),
    ...(state !== undefined && { state }),
    ...(playback && {
      playback: {
        ...(str(playback.hls) !== undefined && { hls: str(playback.hls) }),
        ...(str(playback.dash) !== undefined && { dash: str(playback.dash) }),
      },
    }),
    ...(str(video.thumbnail) !== undefined && { thumbnail: str(video.thumbnail) }),
    ...(str(video.preview) !== undefined && { preview: str(video.preview) }),
    ...(str(video.created) !== undefined && { created: str(video.created) }),
    ...(num(video.duration) !== undefined && { duration: num(video.duration) }),
  };
}

/** Newest first; videos without a creation time go last. */
export function newestFirst(a: StreamVideo, b: StreamVideo): number {
  return (Date.parse(b.created ?? '') || 0) - (Date.parse(a.created ?? '') || 0);
}
