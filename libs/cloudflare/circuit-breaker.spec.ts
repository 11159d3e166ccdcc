import { ProviderError } from '../common/provider-error';
import { BreakerPool } from './breaker-pool';
import { CircuitBreaker } from './circuit-breaker';
import { ManualClock } from './clock';
import { createCloudflareFake, type CloudflareFake } from './fake/cloudflare-fake';
import { adapterAgainst } from './testing/adapter-harness';
import { caught } from './testing/caught';

describe(CircuitBreaker.name, () => {
  let fake: CloudflareFake;
  let inputId: string;

  beforeAll(async () => {
    fake = await createCloudflareFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    inputId = fake.state.createInput({}).uid;
  });

  function setUp() {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 10_000, clock });
    const outcomes: string[] = [];
    const { adapter } = adapterAgainst(fake, {
      clock,
      breaker,
      onRequest: (_route, outcome) => outcomes.push(outcome),
    });
    return { clock, breaker, adapter, outcomes };
  }

  it('opens after repeated 5xx, fails fast, then half-opens and closes after the cool-down', async () => {
    const { clock, breaker, adapter, outcomes } = setUp();
    fake.injectFault({ route: 'live_inputs.get', status: 503, times: 100 });

    for (let i = 0; i < 3; i++) {
      expect((await caught(adapter.getLiveInput(inputId))).status).toBe(503);
    }
    expect(breaker.state()).toBe('open');
    expect(fake.requestCount()).toBe(3);

    const fast = await caught(adapter.getLiveInput(inputId));
    expect(fast).toMatchObject({ kind: 'unavailable', retryAfterMs: 10_000 });
    expect(fast.message).toMatch(/circuit open/);
    expect(fake.requestCount()).toBe(3);
    expect(outcomes.at(-1)).toBe('circuit_open');
    expect(adapter.healthProblem()).toMatch(/circuit open/);

    fake.clearFaults();
    clock.advance(9_999);
    expect((await caught(adapter.listOutputs(inputId))).message).toMatch(/circuit open/);
    expect(fake.requestCount()).toBe(3);

    clock.advance(1);
    expect(breaker.state()).toBe('half_open');
    await expect(adapter.getLiveInput(inputId)).resolves.not.toBeNull();
    expect(breaker.state()).toBe('closed');
    expect(fake.requestCount()).toBe(4);
    expect(adapter.healthProblem()).toBeUndefined();
  });

  it('re-opens when the half-open trial fails', async () => {
    const { clock, breaker, adapter } = setUp();
    fake.injectFault({ route: '*', status: 500, times: 4 });
    for (let i = 0; i < 3; i++) await caught(adapter.getLiveInput(inputId));
    clock.advance(10_000);

    expect((await caught(adapter.getLiveInput(inputId))).status).toBe(500);
    expect(breaker.state()).toBe('open');
    expect(fake.requestCount()).toBe(4);
    expect((await caught(adapter.getLiveInput(inputId))).message).toMatch(/circuit open/);
    expect(fake.requestCount()).toBe(4);
  });

  it('does not count 4xx answers or rate limiting as outages', async () => {
    const { breaker, adapter } = setUp();
    fake.injectFault({ route: 'live_inputs.get', status: 500, times: 2 });
    await caught(adapter.getLiveInput(inputId));
    await caught(adapter.getLiveInput(inputId));
    // A 404 proves Cloudflare is up: the streak of failures starts again.
    await adapter.getLiveInput('0'.repeat(32));
    fake.injectFault({ route: 'live_inputs.get', status: 500, times: 2 });
    await caught(adapter.getLiveInput(inputId));
    fake.injectFault({ route: 'live_inputs.get', status: 429, retryAfter: 0, times: 5 });
    await caught(adapter.getLiveInput(inputId));
    expect(breaker.state()).toBe('closed');
  });

  it('lets only one trial through while half-open', async () => {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 1_000, clock });
    const outage = new ProviderError('cloudflare', 'unavailable', 'down');
    await caught(breaker.run(() => Promise.reject(outage)));
    clock.advance(1_000);

    let release: () => void = () => undefined;
    const trial = breaker.run(
      () => new Promise<string>((resolve) => (release = () => resolve('ok'))),
    );
    const second = await caught(breaker.run(() => Promise.resolve('never')));
    expect(second.message).toMatch(/circuit open/);
    release();
    await expect(trial).resolves.toBe('ok');
    expect(breaker.state()).toBe('closed');
  });

  it("keeps one input's open circuit from failing another user's calls fast", async () => {
    const clock = new ManualClock(0);
    const inputBreakers = new BreakerPool({ failureThreshold: 3, coolDownMs: 10_000, clock });
    const { adapter } = adapterAgainst(fake, { clock, inputBreakers });
    const other = fake.state.createInput({}).uid;
    fake.injectFault({ route: 'live_inputs.get', status: 503, times: 3 });
    for (let i = 0; i < 3; i++)
      expect((await caught(adapter.getLiveInput(inputId))).kind).toBe('unavailable');
    expect(inputBreakers.peek(inputId)!.state()).toBe('open');
    // The other input is unaffected: its call goes out and succeeds.
    expect((await adapter.getLiveInput(other))!.uid).toBe(other);
    expect(adapter.healthProblem(other)).toBeUndefined();
    expect(adapter.healthProblem(inputId)).toMatch(/circuit open/);
    // The failing input still fails fast, without a request.
    const before = fake.requestCount('live_inputs.get');
    await caught(adapter.getLiveInput(inputId));
    expect(fake.requestCount('live_inputs.get')).toBe(before);
    expect(inputBreakers.openCount()).toBe(1);
  });
});
