import type { BenchService, ServiceSample } from './service';

/** Scrapes /metrics every `intervalMs` for `durationMs`; each lag p99 covers one interval. */
export async function sampleFor(
  service: BenchService,
  durationMs: number,
  intervalMs = 1000,
): Promise<ServiceSample[]> {
  const samples: ServiceSample[] = [];
  await service.sample(); // resets the lag histogram: the first interval starts now
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, intervalMs));
    samples.push(await service.sample());
  }
  return samples;
}

/** Lowest heap seen: the closest a scrape gets to the live heap right after a GC. */
export function minHeap(samples: ServiceSample[]): number {
  return Math.min(...samples.map((s) => s.heapUsedBytes));
}

export function minRss(samples: ServiceSample[]): number {
  return Math.min(...samples.map((s) => s.rssBytes));
}
