// @ts-check
// The Socket.IO connection to /live. Every live change on the page comes through here;
// nothing polls. The client bundle is the one the service itself serves.

/** @typedef {import('./types.js').Ack} Ack */

/**
 * Server → client events of /live (mirrors src/gateway/socket-events.ts).
 * @typedef {object} LiveEvents
 * @property {import('./types.js').SessionView} session
 * @property {import('./types.js').TransitionEvent} transition
 * @property {import('./types.js').OutputEvent} output
 * @property {import('./types.js').ChatEvent[]} chat
 * @property {import('./types.js').ViewersEvent} viewers
 */

/**
 * The slice of the Socket.IO client this page uses.
 * @typedef {object} Socket
 * @property {boolean} connected
 * @property {boolean} active false once the server has refused the connection
 * @property {(event: string, listener: (...args: never[]) => void) => Socket} on
 * @property {(ms: number) => { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> }} timeout
 * @property {() => void} disconnect
 */

/** @typedef {'connecting' | 'live' | 'reconnecting' | 'unavailable' | 'refused'} LiveStatus */

/**
 * @typedef {object} LiveClient
 * @property {() => boolean} connected
 * @property {(event: string, payload?: unknown) => Promise<Ack>} command
 * @property {<K extends keyof LiveEvents>(event: K, listener: (payload: LiveEvents[K]) => void) => void} on
 */

const CLIENT_URL = '/socket.io/socket.io.esm.min.js';
const ACK_TIMEOUT_MS = 10_000;

/**
 * @param {string} token
 * @param {(status: LiveStatus, detail?: string) => void} onStatus
 * @returns {Promise<LiveClient | null>} null when the service has no Socket.IO endpoint
 */
export async function connectLive(token, onStatus) {
  /** @type {{ io: (uri: string, opts: object) => Socket }} */
  let client;
  try {
    client = await import(CLIENT_URL);
  } catch {
    onStatus('unavailable', 'Live updates are not available from this server');
    return null;
  }
  onStatus('connecting');
  const socket = client.io('/live', {
    auth: { token },
    // WebSocket first; long-polling only when a proxy refuses the upgrade.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  });
  let everConnected = false;
  socket.on('connect', () => {
    onStatus('live');
    // The server sends a fresh `session` on join; after a reconnect ask again anyway,
    // since events may have been missed while offline.
    if (everConnected) void command('session:resync');
    everConnected = true;
  });
  socket.on('disconnect', (/** @type {string} */ reason) => {
    // "io server disconnect" means the server refused us (bad token): no auto-reconnect.
    if (reason === 'io server disconnect') onStatus('refused', 'The server closed the connection');
    else onStatus('reconnecting', reason);
  });
  socket.on('connect_error', (/** @type {Error} */ err) => {
    // A refusal by the server's auth middleware is final; network errors are retried.
    if (!socket.active) onStatus('refused', err.message);
    else onStatus(everConnected ? 'reconnecting' : 'connecting', err.message);
  });

  /**
   * @param {string} event
   * @param {unknown} [payload]
   * @returns {Promise<Ack>}
   */
  async function command(event, payload) {
    // Always send a payload: the gateway's handlers take (payload, ack), so a bare ack
    // would land in the payload slot and never be called.
    const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload ?? {});
    if (ack && typeof ack === 'object' && 'ok' in ack) return /** @type {Ack} */ (ack);
    return { ok: false, error: 'Unexpected reply from the server' };
  }

  return {
    connected: () => socket.connected,
    command,
    on: (event, listener) => {
      socket.on(event, listener);
    },
  };
}

/**
 * A status pill for the header.
 * @param {HTMLElement} el
 * @returns {(status: LiveStatus, detail?: string) => void}
 */
export function liveIndicator(el) {
  const labels = {
    connecting: 'Connecting…',
    live: 'Live updates on',
    reconnecting: 'Reconnecting…',
    unavailable: 'Live updates unavailable',
    refused: 'Live updates refused',
  };
  return (status, detail) => {
    el.textContent = labels[status];
    el.dataset.status = status;
    el.title = detail ?? '';
  };
}
