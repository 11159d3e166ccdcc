// @ts-check
// JSON over fetch with the bearer token; errors carry the contract's stable `code`.

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @type {string | null} */
let bearer = null;
/** @type {(err: ApiError) => void} */
let onUnauthorized = () => undefined;

/** @param {string | null} token */
export function setToken(token) {
  bearer = token;
}

/** Called when any request answers 401 (expired or revoked token). */
/** @param {(err: ApiError) => void} handler */
export function onAuthFailure(handler) {
  onUnauthorized = handler;
}

/**
 * @template T
 * @param {'GET' | 'POST' | 'PUT' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached');
  }
  const text = await res.text();
  /** @type {unknown} */
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = toApiError(res.status, data);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return /** @type {T} */ (data);
}

/**
 * @param {number} status
 * @param {unknown} data
 */
function toApiError(status, data) {
  const body = /** @type {{ code?: unknown, message?: unknown }} */ (
    data && typeof data === 'object' ? data : {}
  );
  const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
  const message = typeof body.message === 'string' ? body.message : `Request failed (${status})`;
  return new ApiError(status, code, message);
}

/**
 * A readable one-liner for any error (ApiError, ack error, exception).
 * @param {unknown} err
 */
export function describeError(err) {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object') {
    const e = /** @type {{ message?: unknown, code?: unknown }} */ (err);
    if (typeof e.message === 'string')
      return typeof e.code === 'string' ? `${e.message} (${e.code})` : e.message;
  }
  return 'Something went wrong';
}
