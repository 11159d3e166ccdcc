// @ts-check
// One session (GET /api/ops/sessions/:userId) with its transition log, and the repairs,
// each behind a confirmation and audited by the server.

import { api, describeError } from '../api.js';
import { byId, h, replace, say } from '../dom.js';
import { dateTime, platformName } from '../format.js';
import { confirmAction } from './confirm.js';
import { children } from './sessions-table.js';

/** @typedef {import('../types.js').OpsSessionDetail} OpsSessionDetail */

/** @type {Record<string, string>} */
const WHAT = {
  reconcile: "Reads Cloudflare's truth and moves the session to match it.",
  restart:
    'Stops the session actor and starts it again through reconcile. Outputs are kept, never duplicated.',
  'force-stop':
    'Ends the stream now and removes every output. The streamer goes offline on every platform.',
  'sync-recording': 'Finds the recording of the last broadcast and links it.',
};

/** @param {() => void} acted called after any repair, to refresh the list and audit log */
export function createSessionDetail(acted) {
  const card = byId('detail-card', HTMLElement);
  const title = byId('detail-title', HTMLElement);
  const summary = byId('detail-summary', HTMLElement);
  const kids = byId('detail-children', HTMLElement);
  const outputs = byId('detail-outputs', HTMLElement);
  const transitions = byId('detail-transitions', HTMLElement);
  const status = byId('detail-status', HTMLElement);
  const actions = byId('detail-actions', HTMLElement);
  /** @type {string | null} */
  let userId = null;

  const load = async () => {
    if (!userId) return;
    /** @type {OpsSessionDetail} */
    let d;
    try {
      d = await api('GET', `/api/ops/sessions/${encodeURIComponent(userId)}`);
    } catch (err) {
      say(status, describeError(err), 'error');
      return;
    }
    /** @param {string} k @param {unknown} v */
    const row = (k, v) => [
      h('dt', {}, k),
      h('dd', {}, v === null || v === undefined || v === '' ? '—' : String(v)),
    ];
    replace(
      summary,
      row(
        'State',
        `${d.state}${d.substate ? ` (${d.substate})` : ''} since ${dateTime(d.stateSince)}`,
      ),
      row('Owner node', d.ownerNode ?? 'not resident'),
      row('Signed in', d.active === undefined ? '—' : d.active ? 'yes' : 'no'),
      row('Input', `${d.input.status ?? 'unknown'}, last seen ${dateTime(d.input.lastSeenAt)}`),
      row(
        'Broadcast',
        d.broadcast
          ? `${d.broadcast.title || 'Untitled'} (since ${dateTime(d.broadcast.startedAt)})`
          : null,
      ),
      row('Grace ends', d.graceEndsAt ? dateTime(d.graceEndsAt) : null),
      row('Health', d.health.degraded ? d.health.reasons.join('; ') : 'ok'),
      row('Stuck', d.stuckReason),
    );
    replace(
      kids,
      d.children.length === 0
        ? h('li', { class: 'muted' }, 'No running children.')
        : h('li', {}, children(d.children)),
    );
    replace(
      outputs,
      d.outputs.length === 0
        ? h('li', { class: 'muted' }, 'No outputs.')
        : d.outputs.map((o) =>
            h(
              'li',
              {},
              h('span', { class: `mark mark-${o.platform}` }, platformName(o.platform)),
              h('span', { class: 'badge', 'data-status': o.status }, o.status),
              o.lastError ? h('span', { class: 'error-text' }, o.lastError) : null,
            ),
          ),
    );
    replace(
      transitions,
      d.transitions.length === 0
        ? h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No transitions recorded.'))
        : d.transitions.map((t) =>
            h(
              'tr',
              {},
              h('td', {}, dateTime(t.at)),
              h('td', {}, t.from),
              h('td', {}, t.to),
              h('td', {}, t.reason),
              h('td', {}, t.by),
            ),
          ),
    );
  };

  actions.addEventListener('click', async (e) => {
    const button = /** @type {HTMLElement} */ (e.target).closest('button[data-action]');
    if (!(button instanceof HTMLButtonElement) || !userId) return;
    const action = button.dataset.action ?? '';
    const label = button.dataset.label ?? action;
    const target = userId;
    const ok = await confirmAction(`${label} ${target}?`, WHAT[action] ?? '', label);
    if (!ok) {
      say(status, `${label} cancelled.`);
      return;
    }
    for (const b of actions.querySelectorAll('button'))
      /** @type {HTMLButtonElement} */ (b).disabled = true;
    say(status, `${label}…`);
    try {
      const res = await api('POST', `/api/ops/sessions/${encodeURIComponent(target)}/${action}`);
      say(status, `${label} done: ${summarize(res)}`, 'ok');
    } catch (err) {
      say(status, `${label} failed: ${describeError(err)}`, 'error');
    } finally {
      for (const b of actions.querySelectorAll('button'))
        /** @type {HTMLButtonElement} */ (b).disabled = false;
      await load();
      acted();
    }
  });

  return {
    /** @param {string} id */
    async show(id) {
      userId = id;
      card.hidden = false;
      title.textContent = `Session ${id}`;
      say(status, '');
      await load();
      title.focus();
    },
    /** Reloads when the event is about the session shown. @param {string} id */
    changed(id) {
      if (id === userId) void load();
    },
  };
}

/** @param {unknown} res */
function summarize(res) {
  if (!res || typeof res !== 'object') return 'ok';
  return (
    Object.entries(res)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'ok'
  );
}
