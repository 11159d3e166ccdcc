import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Cloudflare's two webhook flavours:
 * - Notifications (live input connected/disconnected/errored) carry the destination's
 *   shared secret verbatim in `cf-webhook-auth`.
 * - Stream video webhooks carry `Webhook-Signature: time=<unix s>,sig1=<hex>`, where sig1 is
 *   HMAC-SHA256(secret, `${time}.${rawBody}`) (developers.cloudflare.com/stream, "Verify
 *   webhook authenticity").
 */

export const NOTIFICATION_AUTH_HEADER = 'cf-webhook-auth';
export const STREAM_SIGNATURE_HEADER = 'webhook-signature';

export type LiveInputEventType =
  'live_input.connected' | 'live_input.disconnected' | 'live_input.errored';

const LIVE_INPUT_EVENT_TYPES: readonly string[] = [
  'live_input.connected',
  'live_input.disconnected',
  'live_input.errored',
];

export interface LiveInputNotification {
  eventType: LiveInputEventType;
  inputId: string;
  /** When Cloudflare says the change happened (`data.updated_at`, else `ts`), ISO 8601. */
  at?: string;
}

/** The body Cloudflare Notifications POST for a Stream Live Input event. */
export interface LiveInputNotificationBody {
  name: string;
  text: string;
  data: {
    notification_name: 'Stream Live Input';
    input_id: string;
    event_type: LiveInputEventType;
    updated_at: string;
  };
  ts: number;
}

export type StreamSignatureResult = 'ok' | 'missing' | 'malformed' | 'bad_signature' | 'expired';

/**
 * Constant-time check of `cf-webhook-auth`. Both sides are hashed first so the comparison
 * is always between equal-length digests: no early exit that would leak the secret's length.
 */
export function verifyNotificationAuth(headerValue: string | undefined, secret: string): boolean {
  // An unset secret must never turn into "anything goes".
  if (headerValue === undefined || secret === '') return false;
  const given = createHash('sha256').update(headerValue, 'utf8').digest();
  const expected = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(given, expected);
}

export function verifyStreamSignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  nowMs: number,
  toleranceMs = 5 * 60_000,
): StreamSignatureResult {
  if (header === undefined || header.trim() === '') return 'missing';
  const parsed = parseSignatureHeader(header);
  if (!parsed) return 'malformed';
  if (secret === '') return 'bad_signature';
  const expected = streamSignatureDigest(parsed.time, rawBody, secret);
  const matches = parsed.signatures.some((sig) =>
    timingSafeEqual(Buffer.from(sig, 'hex'), expected),
  );
  if (!matches) return 'bad_signature';
  // Checked after the signature so a forged header cannot probe the tolerance.
  if (Math.abs(nowMs - Number(parsed.time) * 1000) > toleranceMs) return 'expired';
  return 'ok';
}

/** `Webhook-Signature` value for a body, as Cloudflare would send it (for the fake and tests). */
export function signStreamWebhook(
  rawBody: Buffer | string,
  secret: string,
  timeSeconds: number = Math.floor(Date.now() / 1000),
): string {
  const time = String(Math.floor(timeSeconds));
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `time=${time},sig1=${streamSignatureDigest(time, body, secret).toString('hex')}`;
}

/** A Notifications body for a live input event, shaped like Cloudflare's documented example. */
export function buildNotification(params: {
  inputId: string;
  eventType: LiveInputEventType;
  at?: Date;
  name?: string;
}): LiveInputNotificationBody {
  const at = params.at ?? new Date();
  const updatedAt = at.toISOString();
  return {
    name: params.name ?? 'Stream Live Input',
    text:
      `Notification type: Stream Live Input\nInput ID: ${params.inputId}\n` +
      `Event type: ${params.eventType}\nUpdated at: ${updatedAt}`,
    data: {
      notification_name: 'Stream Live Input',
      input_id: params.inputId,
      event_type: params.eventType,
      updated_at: updatedAt,
    },
    ts: Math.floor(at.getTime() / 1000),
  };
}

/**
 * Reads the fields Cloudflare actually sends (`data.event_type`, `data.input_id`); null for
 * anything else, including other notification types.
 */
export function parseLiveInputNotification(body: unknown): LiveInputNotification | null {
  const root = asRecord(typeof body === 'string' || Buffer.isBuffer(body) ? parseJson(body) : body);
  const data = asRecord(root?.data);
  if (!root || !data) return null;
  const eventType = data.event_type;
  const inputId = data.input_id;
  if (typeof eventType !== 'string' || !LIVE_INPUT_EVENT_TYPES.includes(eventType)) return null;
  if (typeof inputId !== 'string' || inputId === '') return null;
  const at = toIso(data.updated_at) ?? toIsoFromSeconds(root.ts);
  return { eventType: eventType as LiveInputEventType, inputId, ...(at !== undefined && { at }) };
}

function streamSignatureDigest(time: string, rawBody: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${time}.`, 'utf8').update(rawBody).digest();
}

function parseSignatureHeader(header: string): { time: string; signatures: string[] } | null {
  let time: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'time') time = value;
    else if (key === 'sig1') signatures.push(value);
  }
  if (time === undefined || !/^\d{1,12}$/.test(time)) return null;
  if (signatures.length === 0 || !signatures.every((s) => /^[0-9a-f]{64}$/i.test(s))) return null;
  return { time, signatures };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function parseJson(raw: string | Buffer): unknown {
  try {
    return JSON.parse(raw.toString());
  } catch {
    return undefined;
  }
}

function toIso(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function toIsoFromSeconds(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? new Date(value * 1000).toISOString()
    : undefined;
}
