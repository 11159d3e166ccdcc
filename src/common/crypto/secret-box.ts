import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeKey } from '../../config/app-config';

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (stream keys, OAuth tokens). The stored form is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so the key can be rotated later by version.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(encodedKey: string) {
    const key = decodeKey(encodedKey);
    if (!key) throw new Error('SECRETS_KEY must be 32 bytes (base64 or hex)');
    this.key = key;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || data === undefined)
      throw new Error('Unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  sealOrNull(plain: string | null | undefined): string | null {
    return plain ? this.seal(plain) : null;
  }

  openOrNull(sealed: string | null | undefined): string | null {
    return sealed ? this.open(sealed) : null;
  }
}

/** What API responses show of a secret: its last four characters. */
export function mask(secret: string | null | undefined): string | null {
  if (!secret) return null;
  return `****${secret.slice(-4)}`;
}
