import { ProviderError } from '../../../libs/common/provider-error';
import { ApiError } from './api-error';
import { toErrorBody } from './error-body';

describe(toErrorBody.name, () => {
  it('answers a provider that is down, slow or rate limiting with 503 PROVIDER_UNAVAILABLE', () => {
    for (const kind of ['unavailable', 'rate_limited'] as const) {
      const body = toErrorBody(
        new ProviderError('cloudflare', kind, 'live_inputs.create: timed out', {
          retryAfterMs: 2000,
        }),
      );
      expect(body).toMatchObject({
        statusCode: 503,
        code: 'PROVIDER_UNAVAILABLE',
        details: { retryAfterMs: 2000 },
      });
      expect(body.message).toContain('cloudflare');
    }
  });

  it('keeps a provider refusing our request a 500: that is a bug or a misconfiguration', () => {
    const body = toErrorBody(new ProviderError('cloudflare', 'rejected', 'bad token'));
    expect(body).toMatchObject({ statusCode: 500, code: 'INTERNAL' });
    expect(body.message).not.toContain('bad token'); // internals stay out of responses
  });

  it('answers a lost database with 503 DATABASE_UNAVAILABLE, however TypeORM wraps it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const wrapped = Object.assign(new Error('query failed'), { driverError: refused });
    const released = Object.assign(new Error('Query runner already released'), {
      name: 'QueryRunnerAlreadyReleasedError',
    });
    for (const err of [refused, wrapped, released])
      expect(toErrorBody(err)).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
  });

  it('passes ApiErrors through unchanged', () => {
    expect(toErrorBody(ApiError.badRequest('VALIDATION_FAILED', 'no'))).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'no',
    });
  });
});
