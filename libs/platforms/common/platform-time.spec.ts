import { isoOrNow } from './platform-time';

describe(isoOrNow.name, () => {
  const now = () => new Date('2026-12-02T00:00:00.000Z');

  it('writes a time a Date can hold as ISO 8601', () => {
    expect(isoOrNow(Date.UTC(2025, 0, 2, 3, 4, 5, 6), now)).toBe('2025-01-02T03:04:05.006Z');
  });

  it('writes exactly what toISOString writes, in any order of calls', () => {
    const base = Date.UTC(2026, 11, 2, 23, 59, 59, 990);
    const times = [
      ...Array.from({ length: 2_000 }, (_, i) => base + i * 7), // across seconds, days, a year
      ...[0, -0, 1, 999, 1000, -1, -999, -1000, -1001, 0.5, -0.5, 1234.999, -1234.999],
      ...[8.64e15, -8.64e15, 253402300799999, 253402300800000, -62167219200001],
      ...Array.from({ length: 2_000 }, (_, i) => (((i * 7_919) % 2_001) - 1_000) * 8.64e12),
    ];
    for (const ms of [...times, ...[...times].reverse()])
      expect([ms, isoOrNow(ms, now)]).toEqual([ms, new Date(ms).toISOString()]);
  });

  it.each([NaN, Infinity, -Infinity, 8.64e15 + 1, 1e20, -1e20])(
    'takes now for %p instead of throwing',
    (ms) => {
      expect(isoOrNow(ms, now)).toBe('2026-12-02T00:00:00.000Z');
    },
  );
});
