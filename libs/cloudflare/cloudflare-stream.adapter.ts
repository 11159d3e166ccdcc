import Cloudflare from 'cloudflare';
import { isProviderError } from '../common/provider-error';
import { createBudgetedFetch, type AttemptOutcome, type FetchLike } from './budgeted-fetch';
import type { BreakerPool } from './breaker-pool';
import { CircuitOpenError, type CircuitBreaker } from './circuit-breaker';
import { toProviderError } from './cloudflare-error-mapper';
import type { CloudflareRoute } from './cloudflare-routes';
import type {
  CloudflareStreamPort,
  CreateLiveInputParams,
  LiveInput,
  LiveOutput,
  StreamVideo,
} from './cloudflare-stream.port';
import { newestFirst, toLiveInput, toLiveOutput, toStreamVideo } from './cloudflare-stream.mappers';
import type { RequestBudget } from './request-budget';

/** Per HTTP attempt (SDK retries included), plus `circuit_open` for calls never attempted. */
export type RequestOutcome = AttemptOutcome | 'circuit_open';

export interface CloudflareStreamAdapterOptions {
  apiToken: string;
  accountId: string;
  /** Defaults to Cloudflare's API; point it at the fake in tests (`<fake.url>`). */
  baseUrl?: string;
  /** SDK retries for 408/409/429/5xx/connection errors; each one draws from the budget. */
  maxRetries: number;
  timeoutMs: number;
  budget: RequestBudget;
  /** Account-wide breaker; also used for input calls when `inputBreakers` is not given. */
  breaker?: CircuitBreaker;
  /** One breaker per live input, so one user's failing input never trips another's calls. */
  inputBreakers?: BreakerPool;
  onRequest?: (route: CloudflareRoute, outcome: RequestOutcome) => void;
  /** Transport beneath the budget; defaults to the global fetch. */
  fetch?: FetchLike;
}

export class CloudflareStreamAdapter implements CloudflareStreamPort {
  private readonly client: Cloudflare;
  private readonly accountId: string;
  private readonly budget: RequestBudget;
  private readonly breaker: CircuitBreaker | undefined;
  private readonly inputBreakers: BreakerPool | undefined;
  private readonly onRequest: CloudflareStreamAdapterOptions['onRequest'];

  constructor(options: CloudflareStreamAdapterOptions) {
    this.accountId = options.accountId;
    this.budget = options.budget;
    this.breaker = options.breaker;
    this.inputBreakers = options.inputBreakers;
    this.onRequest = options.onRequest;
    this.client = new Cloudflare({
      apiToken: options.apiToken,
      // Explicit nulls keep other credentials from leaking in from the environment.
      apiKey: null,
      apiEmail: null,
      userServiceKey: null,
      baseURL: options.baseUrl,
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      fetch: createBudgetedFetch({
        budget: options.budget,
        fetch: options.fetch,
        onAttempt: (route, outcome) => this.onRequest?.(route, outcome),
      }),
    });
  }

  async createLiveInput(params: CreateLiveInputParams): Promise<LiveInput> {
    const raw = await this.call('live_inputs.create', undefined, () =>
      this.client.stream.liveInputs.create({
        account_id: this.accountId,
        meta: { name: params.name ?? params.userId, userId: params.userId },
        recording: {
          mode: params.recording?.mode ?? 'off',
          ...(params.recording?.allowedOrigins && {
            allowedOrigins: params.recording.allowedOrigins,
          }),
        },
      }),
    );
    return toLiveInput(raw);
  }

  async getLiveInput(inputId: string): Promise<LiveInput | null> {
    try {
      const raw = await this.call('live_inputs.get', inputId, () =>
        this.client.stream.liveInputs.get(inputId, { account_id: this.accountId }),
      );
      return toLiveInput(raw);
    } catch (err) {
      // Deleted input: the caller re-provisions; it is not "offline".
      if (isProviderError(err, 'not_found')) return null;
      throw err;
    }
  }

  async updateLiveInput(
    inputId: string,
    params: {
      recording?: { mode?: 'off' | 'automatic'; allowedOrigins?: string[] };
      meta?: Record<string, unknown>;
    },
  ): Promise<LiveInput> {
    const raw = await this.call('live_inputs.update', inputId, () =>
      this.client.stream.liveInputs.update(inputId, {
        account_id: this.accountId,
        ...(params.meta && { meta: params.meta }),
        ...(params.recording && { recording: params.recording }),
      }),
    );
    return toLiveInput(raw);
  }

  async deleteLiveInput(inputId: string): Promise<void> {
    await this.ignoreNotFound(() =>
      this.call('live_inputs.delete', inputId, () =>
        this.client.stream.liveInputs.delete(inputId, { account_id: this.accountId }),
      ),
    );
  }

  async listOutputs(inputId: string): Promise<LiveOutput[]> {
    const page = await this.call('outputs.list', inputId, () =>
      this.client.stream.liveInputs.outputs.list(inputId, { account_id: this.accountId }),
    );
    return page.getPaginatedItems().map(toLiveOutput);
  }

  async createOutput(
    inputId: string,
    params: { url: string; streamKey: string; enabled?: boolean },
  ): Promise<LiveOutput> {
    const raw = await this.call('outputs.create', inputId, () =>
      this.client.stream.liveInputs.outputs.create(inputId, {
        account_id: this.accountId,
        url: params.url,
        streamKey: params.streamKey,
        ...(params.enabled !== undefined && { enabled: params.enabled }),
      }),
    );
    return toLiveOutput(raw);
  }

  async updateOutput(
    inputId: string,
    outputId: string,
    params: { enabled: boolean },
  ): Promise<LiveOutput> {
    // The SDK takes the output id first and the input id in the params.
    const raw = await this.call('outputs.update', inputId, () =>
      this.client.stream.liveInputs.outputs.update(outputId, {
        account_id: this.accountId,
        live_input_identifier: inputId,
        enabled: params.enabled,
      }),
    );
    return toLiveOutput(raw);
  }

  async deleteOutput(inputId: string, outputId: string): Promise<void> {
    await this.ignoreNotFound(() =>
      this.call('outputs.delete', inputId, () =>
        this.client.stream.liveInputs.outputs.delete(outputId, {
          account_id: this.accountId,
          live_input_identifier: inputId,
        }),
      ),
    );
  }

  async listVideos(inputId: string): Promise<StreamVideo[]> {
    const page = await this.call('videos.list', inputId, () =>
      this.client.stream.list({ account_id: this.accountId, live_input_id: inputId }),
    );
    return page.getPaginatedItems().map(toStreamVideo).sort(newestFirst);
  }

  /** With an input id: that input's problem first, then the account's. */
  healthProblem(inputId?: string): string | undefined {
    const own = inputId ? this.inputBreakers?.peek(inputId)?.problem() : undefined;
    return own ?? this.breaker?.problem() ?? this.budget.problem();
  }

  /** Breaker around the call (the input's, else the account's), and only ProviderError out of it. */
  private async call<T>(
    route: CloudflareRoute,
    inputId: string | undefined,
    request: () => Promise<T>,
  ): Promise<T> {
    const attempt = async (): Promise<T> => {
      try {
        return await request();
      } catch (err) {
        throw toProviderError(err, route);
      }
    };
    const breaker = (inputId && this.inputBreakers?.get(inputId)) || this.breaker;
    if (!breaker) return attempt();
    try {
      return await breaker.run(attempt);
    } catch (err) {
      if (err instanceof CircuitOpenError) this.onRequest?.(route, 'circuit_open');
      throw err;
    }
  }

  private async ignoreNotFound(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (!isProviderError(err, 'not_found')) throw err;
    }
  }
}
