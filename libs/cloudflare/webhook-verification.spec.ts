import { createHmac } from 'node:crypto';
import {
  buildNotification,
  parseLiveInputNotification,
  signStreamWebhook,
  verifyNotificationAuth,
  verifyStreamSignature,
} from './webhook-verification';

describe('verifyNotificationAuth (cf-webhook-auth)', () => {
  const secret = 'notification-secret';

  it('accepts the exact secret', () => {
    expect(verifyNotificationAuth(secret, secret)).toBe(true);
  });

  it.each([
    ['wrong', 'notification-secreX'],
    ['prefix', 'notification'],
    ['longer', `${secret}x`],
    ['empty', ''],
  ])('refuses a %s value', (_label, value) => {
    expect(verifyNotificationAuth(value, secret)).toBe(false);
  });

  it('refuses a missing header, and anything when no secret is configured', () => {
    expect(verifyNotificationAuth(undefined, secret)).toBe(false);
    expect(verifyNotificationAuth('', '')).toBe(false);
  });
});

describe('verifyStreamSignature (Webhook-Signature)', () => {
  const secret = 'video-secret';
  const body = Buffer.from('{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","readyToStream":true}');
  const time = 1_700_000_000;
  const nowMs = time * 1000 + 1_000;

  it('matches HMAC-SHA256(secret, `${time}.${body}`) in hex, as Cloudflare documents', () => {
    const expected = createHmac('sha256', secret)
      .update(`${time}.${body.toString()}`)
      .digest('hex');
    expect(signStreamWebhook(body, secret, time)).toBe(`time=${time},sig1=${expected}`);
  });

  it('accepts a valid signature', () => {
    expect(verifyStreamSignature(signStreamWebhook(body, secret, time), body, secret, nowMs)).toBe(
      'ok',
    );
  });

  it('refuses a wrong secret or a changed body', () => {
    const header = signStreamWebhook(body, 'other-secret', time);
    expect(verifyStreamSignature(header, body, secret, nowMs)).toBe('bad_signature');
    const good = signStreamWebhook(body, secret, time);
    expect(verifyStreamSignature(good, Buffer.from(`${body.toString()} `), secret, nowMs)).toBe(
      'bad_signature',
    );
  });

  it('refuses a signature moved to another time', () => {
    const sig = signStreamWebhook(body, secret, time).split(',')[1];
    expect(verifyStreamSignature(`time=${time + 1},${sig}`, body, secret, nowMs)).toBe(
      'bad_signature',
    );
  });

  it.each([undefined, '', '   '])('reports a missing header (%p)', (header) => {
    expect(verifyStreamSignature(header, body, secret, nowMs)).toBe('missing');
  });

  it.each([
    'garbage',
    `time=${time}`,
    'sig1=' + 'a'.repeat(64),
    `time=abc,sig1=${'a'.repeat(64)}`,
    `time=${time},sig1=xyz`,
    `time=${time},sig1=${'a'.repeat(63)}`,
  ])('reports a malformed header %p', (header) => {
    expect(verifyStreamSignature(header, body, secret, nowMs)).toBe('malformed');
  });

  it('refuses a replayed (old) or far-future timestamp, and honours the tolerance', () => {
    const header = signStreamWebhook(body, secret, time);
    expect(verifyStreamSignature(header, body, secret, time * 1000 + 5 * 60_000 + 1)).toBe(
      'expired',
    );
    expect(verifyStreamSignature(header, body, secret, time * 1000 - 5 * 60_000 - 1)).toBe(
      'expired',
    );
    expect(verifyStreamSignature(header, body, secret, time * 1000 + 5 * 60_000)).toBe('ok');
    expect(verifyStreamSignature(header, body, secret, time * 1000 + 20_000, 10_000)).toBe(
      'expired',
    );
  });
});

describe('parseLiveInputNotification', () => {
  // Cloudflare's documented example payload (developers.cloudflare.com/stream/stream-live/webhooks).
  const documented = {
    name: 'Live Webhook Test',
    text: 'Notification type: Stream Live Input\nInput ID: eb222fcca08eeb1ae84c981ebe8aeeb6\nEvent type: live_input.disconnected\nUpdated at: 2022-01-13T11:43:41.855717910Z',
    data: {
      notification_name: 'Stream Live Input',
      input_id: 'eb222fcca08eeb1ae84c981ebe8aeeb6',
      event_type: 'live_input.disconnected',
      updated_at: '2022-01-13T11:43:41.855717910Z',
    },
    ts: 1642074233,
  };

  it('reads the documented payload', () => {
    expect(parseLiveInputNotification(documented)).toEqual({
      eventType: 'live_input.disconnected',
      inputId: 'eb222fcca08eeb1ae84c981ebe8aeeb6',
      at: '2022-01-13T11:43:41.855Z',
    });
  });

  it('reads raw JSON (string or Buffer) too', () => {
    const raw = JSON.stringify(documented);
    expect(parseLiveInputNotification(raw)?.inputId).toBe('eb222fcca08eeb1ae84c981ebe8aeeb6');
    expect(parseLiveInputNotification(Buffer.from(raw))?.eventType).toBe('live_input.disconnected');
  });

  it.each(['live_input.connected', 'live_input.disconnected', 'live_input.errored'] as const)(
    'round-trips %s through buildNotification',
    (eventType) => {
      const at = new Date('2024-05-01T10:00:00.000Z');
      const body = buildNotification({ inputId: 'a'.repeat(32), eventType, at });
      expect(body.data.notification_name).toBe('Stream Live Input');
      expect(parseLiveInputNotification(body)).toEqual({
        eventType,
        inputId: 'a'.repeat(32),
        at: at.toISOString(),
      });
    },
  );

  it('falls back to ts when updated_at is absent', () => {
    const { updated_at: _omit, ...data } = documented.data;
    expect(parseLiveInputNotification({ ...documented, data })?.at).toBe(
      new Date(1642074233 * 1000).toISOString(),
    );
  });

  it.each([
    null,
    'not json',
    {},
    { data: null },
    // Field names Cloudflare does not send (the reference implementation's bug).
    { eventType: 'live_input.connected', inputId: 'x' },
    { data: { event_type: 'live_input.connected' } },
    { data: { event_type: 'live_input.exploded', input_id: 'x' } },
    { data: { event_type: 'live_input.connected', input_id: '' } },
  ])('returns null for %p', (body) => {
    expect(parseLiveInputNotification(body)).toBeNull();
  });
});
