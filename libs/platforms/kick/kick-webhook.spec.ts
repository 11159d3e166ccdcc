import { generateKeyPairSync, sign } from 'node:crypto';
import { verifyKickWebhook } from './kick-webhook';

function keyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

describe(verifyKickWebhook.name, () => {
  const { publicKey, privateKey } = keyPair();
  const body = '{"message_id":"01JXYZ","content":"hi","broadcaster":{"user_id":123}}';
  const id = '01HZ8Y4Q2J0K6N5V3B1C9D7E2F';
  const timestamp = '2025-01-14T12:00:00Z';

  function headers(signedBody = body, key = privateKey): Record<string, string> {
    const signature = sign('sha256', Buffer.from(`${id}.${timestamp}.${signedBody}`), key);
    return {
      'kick-event-message-id': id,
      'kick-event-message-timestamp': timestamp,
      'kick-event-signature': signature.toString('base64'),
      'kick-event-type': 'chat.message.sent',
      'kick-event-version': '1',
    };
  }

  it('accepts RSA-SHA256 over id.timestamp.body (raw string or Buffer, any header case)', () => {
    expect(verifyKickWebhook(headers(), body, publicKey)).toBe(true);
    expect(verifyKickWebhook(headers(), Buffer.from(body), publicKey)).toBe(true);
    const h = headers();
    const titleCase = {
      'Kick-Event-Message-Id': h['kick-event-message-id'],
      'Kick-Event-Message-Timestamp': h['kick-event-message-timestamp'],
      'Kick-Event-Signature': h['kick-event-signature'],
    };
    expect(verifyKickWebhook(titleCase, body, publicKey)).toBe(true);
  });

  it('refuses a tampered body', () => {
    expect(verifyKickWebhook(headers(), body.replace('hi', 'ha'), publicKey)).toBe(false);
  });

  it('refuses a signature made with another key', () => {
    expect(verifyKickWebhook(headers(body, keyPair().privateKey), body, publicKey)).toBe(false);
  });

  it('refuses a changed timestamp or message id (both are signed)', () => {
    expect(
      verifyKickWebhook(
        { ...headers(), 'kick-event-message-timestamp': '2025-01-14T12:00:01Z' },
        body,
        publicKey,
      ),
    ).toBe(false);
    expect(
      verifyKickWebhook({ ...headers(), 'kick-event-message-id': 'other' }, body, publicKey),
    ).toBe(false);
  });

  it.each(['kick-event-message-id', 'kick-event-message-timestamp', 'kick-event-signature'])(
    'refuses a delivery without %s',
    (name) => {
      const h: Record<string, string | undefined> = headers();
      h[name] = undefined;
      expect(verifyKickWebhook(h, body, publicKey)).toBe(false);
    },
  );

  it('refuses garbage instead of throwing', () => {
    expect(
      verifyKickWebhook({ ...headers(), 'kick-event-signature': '!!!' }, body, publicKey),
    ).toBe(false);
    expect(verifyKickWebhook(headers(), body, 'not a pem')).toBe(false);
  });
});
