import type { Principal } from '../common/auth/principal';
import { bearerToken, TokenVerifier } from '../common/auth/token-verifier';
import { ApiError } from '../common/errors/api-error';

/**
 * For public routes that still know signed-in callers: no Authorization header means
 * anonymous; a header that is present must be a valid bearer token (never silently a guest).
 */
export async function optionalPrincipal(
  verifier: TokenVerifier,
  header: string | undefined,
): Promise<Principal | undefined> {
  if (header === undefined || header.trim() === '') return undefined;
  const token = bearerToken(header);
  if (!token) throw ApiError.unauthorized('UNAUTHORIZED', 'Malformed Authorization header');
  return verifier.verify(token);
}
