import { mask, SecretBox } from './secret-box';

describe(SecretBox.name, () => {
  const box = new SecretBox(Buffer.alloc(32, 1).toString('base64'));

  it('round-trips a secret and never stores the plain text', () => {
    const sealed = box.seal('live_sk_123456789');
    expect(sealed).not.toContain('live_sk');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.open(sealed)).toBe('live_sk_123456789');
  });

  it('uses a fresh IV every time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses tampered ciphertext and a different key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('xxxxxx').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    const other = new SecretBox(Buffer.alloc(32, 2).toString('hex'));
    expect(() => other.open(sealed)).toThrow();
  });

  it('masks all but the last four characters', () => {
    expect(mask('abcdefgh1234')).toBe('****1234');
    expect(mask(null)).toBeNull();
  });
});
