import { ProviderError } from '../../common/provider-error';

/** Awaits a call that must fail with a ProviderError, and returns that error. Tests only. */
export async function caught(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected the call to fail');
}
