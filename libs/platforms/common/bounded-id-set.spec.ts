import { BoundedIdSet } from './bounded-id-set';

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
});
