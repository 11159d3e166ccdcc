import {
  CloudflareStreamAdapter,
  type CloudflareStreamAdapterOptions,
} from '../cloudflare-stream.adapter';
import { ManualClock } from '../clock';
import type { CloudflareFake } from '../fake/cloudflare-fake';
import { RequestBudget } from '../request-budget';

/** An adapter pointed at a fake, with a manual clock under its budget. Tests only. */
export function adapterAgainst(
  fake: CloudflareFake,
  overrides: Partial<CloudflareStreamAdapterOptions> & { clock?: ManualClock } = {},
): { adapter: CloudflareStreamAdapter; budget: RequestBudget; clock: ManualClock } {
  const { clock: givenClock, ...rest } = overrides;
  const clock = givenClock ?? new ManualClock(Date.now());
  const budget = rest.budget ?? new RequestBudget({ clock });
  const adapter = new CloudflareStreamAdapter({
    apiToken: fake.apiToken,
    accountId: fake.accountId,
    baseUrl: fake.url,
    maxRetries: 0,
    timeoutMs: 5_000,
    ...rest,
    budget,
  });
  return { adapter, budget, clock };
}
