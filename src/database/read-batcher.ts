interface Pending<K, V> {
  key: K;
  waiters: { resolve: (value: V | undefined) => void; reject: (err: unknown) => void }[];
}

/**
 * Coalesces point reads made in the same turn of the event loop into one query per
 * `maxBatch` keys. Recovery resumes sessions 500 at a time and each streaming session's
 * monitors read their credentials as they start: one round trip instead of thousands.
 * A lone read waits only for the current turn to end (`setImmediate`).
 *
 * `loadMany` returns the found values by `id(key)`; a key it leaves out reads as
 * `undefined`. If it fails, every read in the batch fails with its error.
 */
export class ReadBatcher<K, V> {
  private pending = new Map<string, Pending<K, V>>();
  private scheduled = false;

  constructor(
    private readonly id: (key: K) => string,
    private readonly loadMany: (keys: K[]) => Promise<Map<string, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const id = this.id(key);
      const entry = this.pending.get(id) ?? { key, waiters: [] };
      entry.waiters.push({ resolve, reject });
      this.pending.set(id, entry);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const entries = [...this.pending.values()];
    this.pending = new Map();
    this.scheduled = false;
    for (let i = 0; i < entries.length; i += this.maxBatch) {
      void this.run(entries.slice(i, i + this.maxBatch));
    }
  }

  private async run(entries: Pending<K, V>[]): Promise<void> {
    try {
      const found = await this.loadMany(entries.map((e) => e.key));
      for (const e of entries) {
        const value = found.get(this.id(e.key));
        for (const w of e.waiters) w.resolve(value);
      }
    } catch (err) {
      for (const e of entries) for (const w of e.waiters) w.reject(err);
    }
  }
}
