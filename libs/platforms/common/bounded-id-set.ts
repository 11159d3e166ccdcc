/**
 * Remembers the most recent `capacity` ids, forgetting the oldest first, so de-duplication
 * by platformMessageId never grows without bound during a long stream.
 *
 * The insertion order is kept in a ring beside the Set. Asking the Set for its oldest
 * entry instead (`values().next()`) walks over the entries deleted since the table was
 * last rebuilt, up to `capacity` of them per add once the set is full.
 */
export class BoundedIdSet {
  private readonly ids = new Set<string>();
  private readonly order: string[] = [];
  /** Where the next id goes in `order`; once the ring is full, the oldest id is there. */
  private next = 0;

  constructor(private readonly capacity = 20_000) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds the id; returns false when it was already known (a duplicate). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.order.length === this.capacity) this.ids.delete(this.order[this.next]);
    const own = ownCopy(id);
    this.order[this.next] = own;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(own);
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}

/**
 * The id in a string of its own. An id cut out of a longer string (a tag sliced from an
 * IRC line, itself split from a WebSocket frame) is, in V8, a view that keeps the whole
 * line alive: 20,000 remembered ids per chat would hold about 20,000 lines (hundreds of
 * bytes each) instead of 36-character ids. Concatenating and slicing again copies it.
 */
function ownCopy(id: string): string {
  return (' ' + id).slice(1);
}
