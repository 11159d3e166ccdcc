/**
 * What a Pusher close code asks the client to do (pusher.com/docs/channels/library_auth_reference
 * /pusher-websockets-protocol, "Connection closure"), mirroring pusher-js's own
 * `Protocol.getCloseAction`:
 * - 4000–4099: the server refuses (bad key, over quota, TLS required): do not reconnect.
 * - 4100–4199: reconnect after backing off (e.g. over capacity).
 * - 4200–4299: reconnect promptly (e.g. server restarting, pong not received).
 * - anything else (1006 network drop, 1000…): reconnect after backing off.
 */
export type KickCloseAction = 'refused' | 'backoff' | 'retry';

export function kickCloseAction(code: number | undefined): KickCloseAction {
  if (code === undefined) return 'backoff';
  if (code >= 4000 && code < 4100) return 'refused';
  if (code >= 4200 && code < 4300) return 'retry';
  if (code >= 4300 && code < 5000) return 'refused';
  return 'backoff';
}
