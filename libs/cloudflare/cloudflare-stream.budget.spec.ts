import { ManualClock } from './clock';
import { createCloudflareFake, type CloudflareFake } from './fake/cloudflare-fake';
import { RequestBudget } from './request-budget';
import { adapterAgainst } from './testing/adapter-harness';
import { caught } from './testing/caught';

describe('Cloudflare request budget, through the SDK', () => {
  let fake: CloudflareFake;
  let inputId: string;

  beforeAll(async () => {
    fake = await createCloudflareFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    // Created behind the API so the request counts start at zero.
    inputId = fake.state.createInput({ meta: { userId: 'u1' } }).uid;
  });

  it('counts every SDK retry against the budget (500s, maxRetries 2 → 3 requests)', async () => {
    const { adapter, budget } = adapterAgainst(fake, { maxRetries: 2 });
    fake.injectFault({ route: 'live_inputs.get', status: 500, times: 3 });

    const err = await caught(adapter.getLiveInput(inputId));

    expect(err.kind).toBe('unavailable');
    expect(fake.requestCount('live_inputs.get')).toBe(3);
    expect(budget.stats().used).toBe(3);
  });

  it('fails fast with rate_limited, sending nothing, when the budget is spent', async () => {
    const clock = new ManualClock(0);
    const budget = new RequestBudget({ limit: 2, windowMs: 60_000, clock });
    const { adapter } = adapterAgainst(fake, { budget, maxRetries: 2 });
    await adapter.getLiveInput(inputId);
    clock.advance(1_000);
    await adapter.getLiveInput(inputId);

    const err = await caught(adapter.getLiveInput(inputId));
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 59_000 });
    expect(err.message).toMatch(/budget exhausted/);
    expect(fake.requestCount()).toBe(2);
    expect(adapter.healthProblem()).toMatch(/budget exhausted/);

    clock.advance(59_000);
    await expect(adapter.getLiveInput(inputId)).resolves.not.toBeNull();
    expect(fake.requestCount()).toBe(3);
  });

  it('honours Retry-After from a 429: nothing is sent until it has passed', async () => {
    const clock = new ManualClock(1_000_000);
    const { adapter, budget } = adapterAgainst(fake, { clock, maxRetries: 2 });
    fake.injectFault({ route: 'live_inputs.get', status: 429, retryAfter: 30 });

    const first = await caught(adapter.getLiveInput(inputId));
    expect(first).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    // The SDK did not sleep and retry on its own.
    expect(fake.requestCount()).toBe(1);
    expect(budget.stats().blockedUntil).toBe(1_030_000);

    clock.advance(10_000);
    const during = await caught(adapter.listOutputs(inputId));
    expect(during).toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000 });
    expect(adapter.healthProblem()).toMatch(/rate limited/);
    clock.advance(19_999);
    expect((await caught(adapter.getLiveInput(inputId))).kind).toBe('rate_limited');
    expect(fake.requestCount()).toBe(1);

    clock.advance(1);
    await expect(adapter.getLiveInput(inputId)).resolves.not.toBeNull();
    expect(fake.requestCount()).toBe(2);
    expect(adapter.healthProblem()).toBeUndefined();
  });

  it('shares one budget between adapters (it is account-wide)', async () => {
    const clock = new ManualClock(0);
    const budget = new RequestBudget({ limit: 1, windowMs: 60_000, clock });
    const a = adapterAgainst(fake, { budget }).adapter;
    const b = adapterAgainst(fake, { budget }).adapter;
    await a.getLiveInput(inputId);
    expect((await caught(b.getLiveInput(inputId))).kind).toBe('rate_limited');
    expect(fake.requestCount()).toBe(1);
  });
});
