// @ts-check
// Where the page's token comes from:
// - in production, from the host platform: `?token=` once (then kept in sessionStorage
//   for this tab and removed from the address bar), or `window.STREAM_SUPERVISOR_TOKEN`;
// - outside production, also from the dev sign-in form (POST /api/dev/token).

import { api, describeError, onAuthFailure, setToken } from './api.js';
import { byId, say } from './dom.js';

/** @typedef {import('./types.js').Principal} Principal */
/** @typedef {import('./types.js').Role} Role */

const STORAGE_KEY = 'stream-supervisor.token';

/** The token handed to this page, if any; a `?token=` is moved out of the URL. */
export function takeToken() {
  const url = new URL(window.location.href);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) {
    sessionStorage.setItem(STORAGE_KEY, fromQuery);
    url.searchParams.delete('token');
    // Keep the token out of history, bookmarks and Referer headers.
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromQuery;
  }
  const fromHost = /** @type {{ STREAM_SUPERVISOR_TOKEN?: unknown }} */ (window)
    .STREAM_SUPERVISOR_TOKEN;
  if (typeof fromHost === 'string' && fromHost) return fromHost;
  return sessionStorage.getItem(STORAGE_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(STORAGE_KEY);
  setToken(null);
}

/**
 * Signs the page in: verifies the token with GET /api/me, or shows the sign-in section
 * until one is minted. Resolves with the token and who it belongs to.
 * @param {{ defaultRole: Role, needRole?: Role }} options
 * @returns {Promise<{ token: string, me: Principal }>}
 */
export async function signIn(options) {
  const section = byId('signin', HTMLElement);
  const status = byId('signin-status', HTMLElement);
  onAuthFailure(() => {
    // An expired token mid-session: start over rather than showing broken panels.
    forgetToken();
    window.location.reload();
  });
  let token = takeToken();
  for (;;) {
    if (token) {
      setToken(token);
      try {
        const me = await api('GET', '/api/me');
        const principal = /** @type {Principal} */ (me);
        if (!options.needRole || principal.role === options.needRole) {
          section.hidden = true;
          return { token, me: principal };
        }
        say(
          status,
          `Signed in as ${principal.userId}, but this page needs the ${options.needRole} role.`,
          'error',
        );
      } catch (err) {
        say(status, `That token was not accepted: ${describeError(err)}`, 'error');
      }
      forgetToken();
    }
    section.hidden = false;
    token = await askForToken(options.defaultRole, status);
    sessionStorage.setItem(STORAGE_KEY, token);
  }
}

/**
 * @param {Role} defaultRole
 * @param {HTMLElement} status
 * @returns {Promise<string>}
 */
async function askForToken(defaultRole, status) {
  const form = byId('signin-form', HTMLFormElement);
  const help = byId('signin-production', HTMLElement);
  /** @type {{ devSignIn: boolean }} */
  let config = { devSignIn: false };
  try {
    config = await api('GET', '/api/dashboard/config');
  } catch {
    // Older servers have no config route: treat as production.
  }
  form.hidden = !config.devSignIn;
  help.hidden = config.devSignIn;
  const role = byId('signin-role', HTMLSelectElement);
  role.value = defaultRole;
  if (!config.devSignIn) return new Promise(() => undefined); // wait for a ?token= reload
  byId('signin-user', HTMLInputElement).focus();
  return new Promise((resolve) => {
    /** @param {SubmitEvent} e */
    const submit = async (e) => {
      e.preventDefault();
      const userId = byId('signin-user', HTMLInputElement).value.trim();
      say(status, 'Signing in…');
      try {
        /** @type {{ token: string }} */
        const res = await api('POST', '/api/dev/token', { userId, role: role.value });
        form.removeEventListener('submit', submit);
        say(status, '');
        resolve(res.token);
      } catch (err) {
        say(status, describeError(err), 'error');
      }
    };
    form.addEventListener('submit', submit);
  });
}

/**
 * The header's "signed in as" line and sign-out button.
 * @param {Principal} me
 */
export function showIdentity(me) {
  const who = byId('whoami', HTMLElement);
  who.textContent = `${me.userId} (${me.role})`;
  const out = byId('signout', HTMLButtonElement);
  out.hidden = false;
  out.addEventListener('click', () => {
    forgetToken();
    window.location.assign(window.location.pathname);
  });
  const opsLink = document.getElementById('ops-link');
  if (opsLink) opsLink.hidden = me.role !== 'ops';
}
