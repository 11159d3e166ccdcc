import type { MatchedRoute } from '../cloudflare-routes';
import { errorEnvelope, FAKE_ERROR, okEnvelope } from './fake-envelope';
import type { FakeRecording, FakeStore, StatusForm } from './fake-store';

export interface ApiReply {
  status: number;
  body: unknown;
}

export interface ApiContext {
  store: FakeStore;
  statusForm: StatusForm;
  maxOutputsPerInput: number;
}

type Json = Record<string, unknown>;

/** Cloudflare Stream's live-input routes over the in-memory store. */
export function handleApiRequest(
  matched: MatchedRoute,
  query: URLSearchParams,
  body: unknown,
  ctx: ApiContext,
): ApiReply {
  const { store } = ctx;
  const input = matched.inputId !== undefined ? store.inputs.get(matched.inputId) : undefined;
  const needsInput = matched.inputId !== undefined && matched.route !== 'other';
  if (needsInput && !input) return fail(404, FAKE_ERROR.liveInputNotFound);

  switch (matched.route) {
    case 'live_inputs.list': {
      const all = [...store.inputs.values()];
      return ok({
        liveInputs: all.map((i) => store.renderInputSummary(i)),
        range: 0,
        total: all.length,
      });
    }
    case 'live_inputs.create': {
      const parsed = parseInputBody(body);
      if (typeof parsed === 'string') return fail(400, FAKE_ERROR.badRequest, parsed);
      const created = store.createInput(parsed);
      return ok(store.renderInput(created, ctx.statusForm));
    }
    case 'live_inputs.get':
      return input ? ok(store.renderInput(input, ctx.statusForm)) : notFound();
    case 'live_inputs.update': {
      if (!input) return notFound();
      const parsed = parseInputBody(body);
      if (typeof parsed === 'string') return fail(400, FAKE_ERROR.badRequest, parsed);
      // Omitted fields are left unchanged, as Cloudflare documents for PUT.
      if (parsed.meta) input.meta = parsed.meta;
      if (parsed.recording) input.recording = { ...input.recording, ...parsed.recording };
      if (parsed.deleteRecordingAfterDays !== undefined) {
        input.deleteRecordingAfterDays = parsed.deleteRecordingAfterDays;
      }
      store.touch(input);
      return ok(store.renderInput(input, ctx.statusForm));
    }
    case 'live_inputs.delete':
      if (!input) return notFound();
      store.deleteInput(input.uid);
      return ok(null);
    case 'live_inputs.videos':
      if (!input) return notFound();
      return videos(store, input.uid, query);
    case 'videos.list':
      return videos(store, query.get('live_input_id') ?? undefined, query);
    case 'outputs.list':
      return input ? ok(store.outputsOf(input.uid)) : notFound();
    case 'outputs.create': {
      if (!input) return notFound();
      const parsed = parseCreateOutput(body);
      if (typeof parsed === 'string') return fail(400, FAKE_ERROR.badRequest, parsed);
      if (store.outputsOf(input.uid).length >= ctx.maxOutputsPerInput) {
        return fail(
          400,
          FAKE_ERROR.tooManyOutputs,
          `${FAKE_ERROR.tooManyOutputs.message} (${ctx.maxOutputsPerInput})`,
        );
      }
      return ok(store.addOutput(input.uid, parsed));
    }
    case 'outputs.update': {
      if (!input) return notFound();
      const output = store.outputs.get(input.uid)?.get(matched.outputId ?? '');
      if (!output) return fail(404, FAKE_ERROR.outputNotFound);
      const enabled = asRecord(body)?.enabled;
      if (typeof enabled !== 'boolean')
        return fail(400, FAKE_ERROR.badRequest, 'enabled must be a boolean');
      output.enabled = enabled;
      return ok(output);
    }
    case 'outputs.delete':
      if (!input) return notFound();
      if (!store.removeOutput(input.uid, matched.outputId ?? '')) {
        return fail(404, FAKE_ERROR.outputNotFound);
      }
      return ok(null);
    case 'other':
      return fail(404, FAKE_ERROR.noRoute);
  }
}

function videos(store: FakeStore, inputId: string | undefined, query: URLSearchParams): ApiReply {
  const result = store.videosOf(inputId, query.get('asc') === 'true');
  return { status: 200, body: okEnvelope(result, { range: 0, total: result.length }) };
}

function ok(result: unknown): ApiReply {
  return { status: 200, body: okEnvelope(result) };
}

function notFound(): ApiReply {
  return fail(404, FAKE_ERROR.liveInputNotFound);
}

function fail(
  status: number,
  error: { code: number; message: string },
  message?: string,
): ApiReply {
  return { status, body: errorEnvelope(error.code, message ?? error.message) };
}

function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

interface InputBody {
  meta?: Record<string, unknown>;
  recording?: Partial<FakeRecording>;
  deleteRecordingAfterDays?: number;
}

/** The create/update body, or a message saying what is wrong with it. */
function parseInputBody(body: unknown): InputBody | string {
  if (body === undefined) return {};
  const root = asRecord(body);
  if (!root) return 'body must be a JSON object';
  const out: InputBody = {};
  if (root.meta !== undefined) {
    const meta = asRecord(root.meta);
    if (!meta) return 'meta must be an object';
    out.meta = meta;
  }
  if (root.deleteRecordingAfterDays !== undefined) {
    const days = root.deleteRecordingAfterDays;
    if (typeof days !== 'number' || days < 30)
      return 'deleteRecordingAfterDays must be at least 30';
    out.deleteRecordingAfterDays = days;
  }
  if (root.recording !== undefined) {
    const rec = asRecord(root.recording);
    if (!rec) return 'recording must be an object';
    const recording: Partial<FakeRecording> = {};
    if (rec.mode !== undefined) {
      if (rec.mode !== 'off' && rec.mode !== 'automatic')
        return 'recording.mode must be off or automatic';
      recording.mode = rec.mode;
    }
    if (rec.timeoutSeconds !== undefined) {
      if (!Number.isInteger(rec.timeoutSeconds))
        return 'recording.timeoutSeconds must be an integer';
      recording.timeoutSeconds = rec.timeoutSeconds as number;
    }
    if (rec.requireSignedURLs !== undefined) {
      if (typeof rec.requireSignedURLs !== 'boolean')
        return 'recording.requireSignedURLs must be a boolean';
      recording.requireSignedURLs = rec.requireSignedURLs;
    }
    if (rec.allowedOrigins !== undefined) {
      const origins = rec.allowedOrigins;
      if (!Array.isArray(origins) || !origins.every((o) => typeof o === 'string')) {
        return 'recording.allowedOrigins must be an array of strings';
      }
      recording.allowedOrigins = origins as string[];
    }
    out.recording = recording;
  }
  return out;
}

function parseCreateOutput(
  body: unknown,
): { url: string; streamKey: string; enabled: boolean } | string {
  const root = asRecord(body);
  if (!root) return 'body must be a JSON object';
  const { url, streamKey, enabled } = root;
  if (typeof url !== 'string' || !/^(rtmps?|srt):\/\/\S+$/.test(url)) {
    return 'url must be an rtmp://, rtmps:// or srt:// URL';
  }
  if (typeof streamKey !== 'string') return 'streamKey is required';
  if (enabled !== undefined && typeof enabled !== 'boolean') return 'enabled must be a boolean';
  return { url, streamKey, enabled: enabled ?? true };
}
