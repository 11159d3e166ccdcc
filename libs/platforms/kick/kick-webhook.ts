import { createPublicKey, verify } from 'node:crypto';

/** Kick's webhook signing key as published at docs.kick.com/events/webhook-security. */
export const KICK_WEBHOOK_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAq/+l1WnlRrGSolDMA+A8
6rAhMbQGmQ2SapVcGM3zq8ANXjnhDWocMqfWcTd95btDydITa10kDvHzw9WQOqp2
MZI7ZyrfzJuz5nhTPCiJwTwnEtWft7nV14BYRDHvlfqPUaZ+1KR4OCaO/wWIk/rQ
L/TjY0M70gse8rlBkbo2a8rKhu69RQTRsoaf4DVhDPEeSeI5jVrRDGAMGL3cGuyY
6CLKGdjVEM78g3JfYOvDU/RvfqD7L89TZ3iN94jrmWdGz34JNlEI5hqK8dd7C5EF
BEbZ5jgB8s8ReQV8H+MkuffjdAj3ajDDX3DOJMIut1lBrUVD1AaSrGCKHooWoL2e
twIDAQAB
-----END PUBLIC KEY-----`;

export type WebhookHeaders = Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Verifies a Kick webhook: RSA-SHA256 (PKCS#1 v1.5) over
 * `${Kick-Event-Message-Id}.${Kick-Event-Message-Timestamp}.${rawBody}`, signature base64 in
 * `Kick-Event-Signature`. `rawBody` must be the bytes as received, before any JSON parsing.
 * Only id, timestamp and body are signed: dedupe on the message id to refuse replays.
 */
export function verifyKickWebhook(
  headers: WebhookHeaders,
  rawBody: string | Buffer,
  publicKeyPem: string = KICK_WEBHOOK_PUBLIC_KEY,
): boolean {
  const id = header(headers, 'Kick-Event-Message-Id');
  const timestamp = header(headers, 'Kick-Event-Message-Timestamp');
  const signature = header(headers, 'Kick-Event-Signature');
  if (!id || !timestamp || !signature) return false;
  try {
    const signed = Buffer.concat([
      Buffer.from(`${id}.${timestamp}.`, 'utf8'),
      typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody,
    ]);
    return verify(
      'sha256',
      signed,
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    // A malformed key or signature is a failed verification, not a crash.
    return false;
  }
}
