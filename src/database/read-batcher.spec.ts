import { ReadBatcher } from './read-batcher';

describe(ReadBatcher.name, () => {
  function batcher(maxBatch?: number, fail?: Error) {
    const calls: string[][] = [];
    const reads = new ReadBatcher<string, string>(
      (k) => k,
      async (keys) => {
        calls.push(keys);
        if (fail) throw fail;
        return new Map(keys.filter((k) => !k.startsWith('missing')).map((k) => [k, `v:${k}`]));
      },
      maxBatch,
    );
    return { reads, calls };
  }

  it('answers reads made in the same turn with one load, each with its own value', async () => {
    const { reads, calls } = batcher();
    const values = await Promise.all(['a', 'b', 'missing-c'].map((k) => reads.load(k)));
    expect(values).toEqual(['v:a', 'v:b', undefined]);
    expect(calls).toEqual([['a', 'b', 'missing-c']]);
  });

  it('loads a key asked twice in one turn once, and answers both', async () => {
    const { reads, calls } = batcher();
    expect(await Promise.all([reads.load('a'), reads.load('a')])).toEqual(['v:a', 'v:a']);
    expect(calls).toEqual([['a']]);
  });

  it('starts a new batch for reads made after the last one was sent', async () => {
    const { reads, calls } = batcher();
    await reads.load('a');
    await reads.load('b');
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('splits a turn’s reads into batches of at most maxBatch keys', async () => {
    const { reads, calls } = batcher(2);
    const values = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => reads.load(k)));
    expect(values).toEqual(['v:a', 'v:b', 'v:c', 'v:d', 'v:e']);
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails every read of a batch whose load fails, and the next batch still runs', async () => {
    const down = new Error('database down');
    const { reads } = batcher(undefined, down);
    const results = await Promise.allSettled([reads.load('a'), reads.load('b')]);
    expect(results).toEqual([
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ]);
    await expect(reads.load('c')).rejects.toBe(down);
  });
});
