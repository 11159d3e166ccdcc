import { randomBytes } from 'node:crypto';

/** Cloudflare identifiers are 32 lowercase hex characters. */
export function cloudflareId(): string {
  return randomBytes(16).toString('hex');
}

/** Stream keys look like `<32 hex>k<32 hex>`. */
export function cloudflareStreamKey(): string {
  return `${cloudflareId()}k${cloudflareId()}`;
}
