import { BoundedIdSet } from './bounded-id-set';
import { resolveMonitorOptions } from './monitor-options';

/** YouTube's largest liveChatMessages.list page (`maxResults` is 200–2000). */
const LARGEST_PAGE = 2_000;

describe(resolveMonitorOptions.name, () => {
  it('remembers, by default, every id of the largest page a poll can read again', () => {
    const seen = new BoundedIdSet(resolveMonitorOptions().dedupCapacity);
    const page = Array.from({ length: LARGEST_PAGE }, (_, i) => `message-${i}`);
    for (const id of page) expect(seen.add(id)).toBe(true);

    expect(page.filter((id) => seen.add(id))).toEqual([]);
  });

  it('keeps a capacity that is given', () => {
    expect(resolveMonitorOptions({ dedupCapacity: 5 }).dedupCapacity).toBe(5);
  });
});
