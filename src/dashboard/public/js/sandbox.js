// @ts-check
// Sandbox mode: with no provider credentials the service runs against its own fakes.
// The banner makes that obvious, and the controls stand in for a real encoder and chat.

import { api, describeError } from './api.js';
import { byId, say } from './dom.js';

/**
 * Shows the banner and wires its buttons when GET /api/sandbox says the sandbox is on.
 * @param {{ platformsChanged?: () => void }} [hooks]
 */
export async function setUpSandbox(hooks = {}) {
  /** @type {{ enabled?: boolean }} */
  let info;
  try {
    info = await api('GET', '/api/sandbox');
  } catch {
    return false; // no sandbox routes on this server (404), or unreachable: treat as off
  }
  if (!info?.enabled) return false;
  const banner = byId('sandbox', HTMLElement);
  banner.hidden = false;
  const status = byId('sandbox-status', HTMLElement);
  /**
   * @param {string} id
   * @param {string} path
   * @param {string} done
   * @param {() => void} [after]
   */
  const wire = (id, path, done, after) => {
    const button = document.getElementById(id);
    if (!(button instanceof HTMLButtonElement)) return;
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await api('POST', path, {});
        say(status, done, 'ok');
        after?.();
      } catch (err) {
        say(status, describeError(err), 'error');
      } finally {
        button.disabled = false;
      }
    });
  };
  wire(
    'sandbox-platforms',
    '/api/sandbox/platforms',
    'Demo Twitch and YouTube accounts connected',
    hooks.platformsChanged,
  );
  wire('sandbox-connect', '/api/sandbox/encoder/connect', 'Encoder connected (simulated)');
  wire('sandbox-disconnect', '/api/sandbox/encoder/disconnect', 'Encoder disconnected (simulated)');
  wire('sandbox-chat', '/api/sandbox/chat', 'Test chat message sent');
  return true;
}
