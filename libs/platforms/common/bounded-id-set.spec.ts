import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BoundedIdSet } from './bounded-id-set';

/** A full garbage collection, which Jest's VM does not expose as `gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe(BoundedIdSet.name, () => {
  it('reports duplicates among the ids it remembers', () => {
    const set = new BoundedIdSet(3);
    expect(set.add('a')).toBe(true);
    expect(set.add('b')).toBe(true);
    expect(set.add('a')).toBe(false);
    expect(set.size).toBe(2);
  });

  it('forgets the oldest id first once full, and never holds more than its capacity', () => {
    const set = new BoundedIdSet(3);
    for (const id of ['a', 'b', 'c', 'd']) set.add(id);
    expect(set.size).toBe(3);
    expect(set.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => set.has(id))).toBe(true);
    set.add('e');
    expect(set.has('b')).toBe(false);
    expect(set.add('a')).toBe(true); // forgotten, so new again
    expect(set.has('c')).toBe(false);
    expect(set.size).toBe(3);
  });

  it('keeps its order across many turns of the ring', () => {
    const set = new BoundedIdSet(5);
    for (let i = 0; i < 1_003; i++) set.add(`m${i}`);
    expect(set.size).toBe(5);
    expect([...Array(1_003).keys()].filter((i) => set.has(`m${i}`))).toEqual([
      998, 999, 1000, 1001, 1002,
    ]);
  });

  it('does not count a duplicate as a new entry (it does not push an older id out)', () => {
    const set = new BoundedIdSet(2);
    set.add('a');
    set.add('b');
    set.add('b');
    set.add('a');
    expect(set.has('a') && set.has('b')).toBe(true);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new BoundedIdSet(0)).toThrow(RangeError);
  });
  it('does not keep the strings its ids were cut out of alive', () => {
    // 32 lines of 1 MB, each with an id in it: only the ids may stay (V8 slices share the
    // parent string, so remembering the slice itself would hold on to 32 MB).
    const set = new BoundedIdSet(64);
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 32; i++) {
      const line = `id=${String(i).padStart(36, '0')};${String(i % 10).repeat(1 << 20)}`;
      set.add(line.slice(3, 39));
    }
    collectGarbage();
    const retained = process.memoryUsage().heapUsed - before;
    expect(set.size).toBe(32);
    expect(set.has(String(7).padStart(36, '0'))).toBe(true);
    expect(retained).toBeLessThan(8 << 20);
  });
});
