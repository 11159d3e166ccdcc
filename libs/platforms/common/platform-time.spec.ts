import { isoOrNow } from './platform-time';

describe(isoOrNow.name, () => {
  const now = () => new Date('2026-12-02T00:00:00.000Z');

  it('writes a time a Date can hold as ISO 8601', () => {
    expect(isoOrNow(Date.UTC(2025, 0, 2, 3, 4, 5, 6), now)).toBe('2025-01-02T03:04:05.006Z');
  });

  it.each([NaN, Infinity, 1e20, -1e20])('takes now for %p instead of throwing', (ms) => {
    expect(isoOrNow(ms, now)).toBe('2026-12-02T00:00:00.000Z');
  });
});
