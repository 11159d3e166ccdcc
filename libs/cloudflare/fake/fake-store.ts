import type { LiveInputStatus } from '../cloudflare-stream.port';
import { cloudflareId, cloudflareStreamKey } from './fake-ids';

export interface FakeRecording {
  mode: 'off' | 'automatic';
  timeoutSeconds: number;
  requireSignedURLs: boolean;
  allowedOrigins: string[];
}

export interface FakeLiveInput {
  uid: string;
  created: string;
  modified: string;
  meta: Record<string, unknown>;
  recording: FakeRecording;
  deleteRecordingAfterDays?: number;
  /** Null until the first connect, as on Cloudflare. */
  status: LiveInputStatus;
  rtmpsStreamKey: string;
  rtmpsPlaybackKey: string;
  srtPassphrase: string;
  srtPlaybackPassphrase: string;
  webRtcKey: string;
}

export interface FakeOutput {
  uid: string;
  url: string;
  streamKey: string;
  enabled: boolean;
}

export type StatusForm = 'string' | 'object';

/** In-memory account state; everything a test may want to assert on is reachable here. */
export class FakeStore {
  readonly inputs = new Map<string, FakeLiveInput>();
  /** Outputs per live input id, in creation order. */
  readonly outputs = new Map<string, Map<string, FakeOutput>>();
  /** Videos (recordings), Cloudflare-shaped, oldest first. */
  readonly videos: Array<Record<string, unknown>> = [];
  outputsCreated = 0;
  outputsDeleted = 0;

  constructor(
    private readonly now: () => number,
    readonly customerHost: string,
  ) {}

  createInput(params: {
    meta?: Record<string, unknown>;
    recording?: Partial<FakeRecording>;
    deleteRecordingAfterDays?: number;
  }): FakeLiveInput {
    const at = this.iso();
    const input: FakeLiveInput = {
      uid: cloudflareId(),
      created: at,
      modified: at,
      meta: params.meta ?? {},
      recording: {
        mode: 'off',
        timeoutSeconds: 0,
        requireSignedURLs: false,
        allowedOrigins: [],
        ...params.recording,
      },
      ...(params.deleteRecordingAfterDays !== undefined && {
        deleteRecordingAfterDays: params.deleteRecordingAfterDays,
      }),
      status: null,
      rtmpsStreamKey: cloudflareStreamKey(),
      rtmpsPlaybackKey: cloudflareStreamKey(),
      srtPassphrase: cloudflareStreamKey(),
      srtPlaybackPassphrase: cloudflareStreamKey(),
      webRtcKey: cloudflareStreamKey(),
    };
    this.inputs.set(input.uid, input);
    this.outputs.set(input.uid, new Map());
    return input;
  }

  touch(input: FakeLiveInput): void {
    input.modified = this.iso();
  }

  deleteInput(uid: string): boolean {
    this.outputs.delete(uid);
    return this.inputs.delete(uid);
  }

  outputsOf(inputId: string): FakeOutput[] {
    return [...(this.outputs.get(inputId)?.values() ?? [])];
  }

  /** Outputs of an input that share url + stream key with an earlier one. */
  duplicateOutputs(inputId: string): FakeOutput[] {
    const seen = new Set<string>();
    return this.outputsOf(inputId).filter((o) => {
      const key = `${o.url}\u0000${o.streamKey}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
  }

  addOutput(
    inputId: string,
    params: { url: string; streamKey: string; enabled: boolean },
  ): FakeOutput {
    const output: FakeOutput = { uid: cloudflareId(), ...params };
    this.outputs.get(inputId)?.set(output.uid, output);
    this.outputsCreated++;
    return output;
  }

  removeOutput(inputId: string, outputId: string): boolean {
    const removed = this.outputs.get(inputId)?.delete(outputId) ?? false;
    if (removed) this.outputsDeleted++;
    return removed;
  }

  addRecording(inputId: string, durationSeconds: number): Record<string, unknown> {
    const uid = cloudflareId();
    const at = this.iso();
    const input = this.inputs.get(inputId);
    const name = typeof input?.meta.name === 'string' ? input.meta.name : inputId;
    const base = `https://${this.customerHost}/${uid}`;
    const video: Record<string, unknown> = {
      uid,
      thumbnail: `${base}/thumbnails/thumbnail.jpg`,
      thumbnailTimestampPct: 0,
      readyToStream: true,
      readyToStreamAt: at,
      status: {
        state: 'ready',
        pctComplete: '100.000000',
        errorReasonCode: '',
        errorReasonText: '',
      },
      meta: { name: `${name} ${at}` },
      created: at,
      modified: at,
      uploaded: at,
      size: 4190963,
      preview: `${base}/watch`,
      allowedOrigins: input?.recording.allowedOrigins ?? [],
      requireSignedURLs: input?.recording.requireSignedURLs ?? false,
      duration: durationSeconds,
      input: { width: 1920, height: 1080 },
      playback: { hls: `${base}/manifest/video.m3u8`, dash: `${base}/manifest/video.mpd` },
      liveInput: inputId,
    };
    this.videos.push(video);
    return video;
  }

  videosOf(inputId: string | undefined, ascending: boolean): Array<Record<string, unknown>> {
    const matching = this.videos.filter((v) => inputId === undefined || v.liveInput === inputId);
    return ascending ? matching : [...matching].reverse();
  }

  renderInput(input: FakeLiveInput, statusForm: StatusForm): Record<string, unknown> {
    const rtmpsUrl = 'rtmps://live.cloudflare.com:443/live/';
    const srtUrl = 'srt://live.cloudflare.com:778';
    return {
      uid: input.uid,
      rtmps: { url: rtmpsUrl, streamKey: input.rtmpsStreamKey },
      rtmpsPlayback: { url: rtmpsUrl, streamKey: input.rtmpsPlaybackKey },
      srt: { url: srtUrl, streamId: input.uid, passphrase: input.srtPassphrase },
      srtPlayback: {
        url: srtUrl,
        streamId: `play${input.uid}`,
        passphrase: input.srtPlaybackPassphrase,
      },
      webRTC: { url: `https://${this.customerHost}/${input.webRtcKey}/webRTC/publish` },
      webRTCPlayback: { url: `https://${this.customerHost}/${input.uid}/webRTC/play` },
      status:
        statusForm === 'object' && input.status !== null
          ? { current: { state: input.status } }
          : input.status,
      enabled: true,
      meta: input.meta,
      recording: input.recording,
      created: input.created,
      modified: input.modified,
      ...(input.deleteRecordingAfterDays !== undefined && {
        deleteRecordingAfterDays: input.deleteRecordingAfterDays,
      }),
    };
  }

  /** The list view omits every URL and key, as Cloudflare's does. */
  renderInputSummary(input: FakeLiveInput): Record<string, unknown> {
    return {
      uid: input.uid,
      created: input.created,
      modified: input.modified,
      meta: input.meta,
      ...(input.deleteRecordingAfterDays !== undefined && {
        deleteRecordingAfterDays: input.deleteRecordingAfterDays,
      }),
    };
  }

  clear(): void {
    this.inputs.clear();
    this.outputs.clear();
    this.videos.length = 0;
    this.outputsCreated = 0;
    this.outputsDeleted = 0;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
