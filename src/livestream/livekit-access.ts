import { isProviderError } from '../../libs/common/provider-error';
import type { LiveKitPort } from '../../libs/livekit';
import { ApiError } from '../common/errors/api-error';

/** LiveKit is configured, else 503: browser go-live cannot work without it. */
export function requireLiveKit(lk: LiveKitPort | null): LiveKitPort {
  if (!lk) {
    throw ApiError.unavailable(
      'PROVIDER_UNAVAILABLE',
      'Browser go-live is not available: LiveKit is not configured (LIVEKIT_URL)',
    );
  }
  return lk;
}

/** Runs a LiveKit call; a provider failure is an outage for the caller (503), not a bug. */
export async function askLiveKit<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isProviderError(err)) {
      throw ApiError.unavailable('PROVIDER_UNAVAILABLE', `LiveKit could not ${what} (${err.kind})`);
    }
    throw err;
  }
}
