// @ts-check
// Every session (GET /api/ops/sessions), filtered by state and stuck, time in state ticking.

import { api, describeError } from '../api.js';
import { byId, h, replace, say } from '../dom.js';
import { duration } from '../format.js';

/** @typedef {import('../types.js').OpsSessionRow} OpsSessionRow */
/** @typedef {import('../types.js').ChildStatus} ChildStatus */

/** @param {(userId: string) => void} select */
export function createSessionsTable(select) {
  const form = byId('sessions-filter', HTMLFormElement);
  const state = byId('filter-state', HTMLSelectElement);
  const stuck = byId('filter-stuck', HTMLInputElement);
  const body = byId('sessions', HTMLElement);
  const status = byId('sessions-status', HTMLElement);
  /** @type {string | null} */
  let selected = null;

  const tick = () => {
    for (const cell of body.querySelectorAll('[data-since]')) {
      const since = Date.parse(/** @type {HTMLElement} */ (cell).dataset.since ?? '');
      cell.textContent = duration(Date.now() - since);
    }
  };
  setInterval(tick, 1000);

  const load = async () => {
    const q = new URLSearchParams();
    if (state.value) q.set('state', state.value);
    if (stuck.checked) q.set('stuck', 'true');
    /** @type {OpsSessionRow[]} */
    let rows;
    try {
      rows = await api('GET', `/api/ops/sessions${q.size ? `?${q}` : ''}`);
    } catch (err) {
      say(status, describeError(err), 'error');
      return;
    }
    say(
      status,
      `${rows.length} session${rows.length === 1 ? '' : 's'}${stuck.checked ? ' stuck' : ''}.`,
    );
    replace(
      body,
      rows.length === 0
        ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No sessions match.'))
        : rows.map((r) =>
            h(
              'tr',
              { 'data-user': r.userId, class: r.userId === selected ? 'selected' : null },
              h(
                'th',
                { scope: 'row' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    'aria-label': `Inspect ${r.userId}`,
                    'aria-current': r.userId === selected ? 'true' : null,
                    onclick: () => {
                      selected = r.userId;
                      select(r.userId);
                      void load();
                    },
                  },
                  r.userId,
                ),
              ),
              h(
                'td',
                {},
                h('span', { class: 'badge', 'data-state': r.state }, r.state),
                r.substate ? h('span', { class: 'muted' }, ` ${r.substate}`) : null,
              ),
              h(
                'td',
                { 'data-since': r.stateSince },
                duration(Date.now() - Date.parse(r.stateSince)),
              ),
              h('td', {}, r.ownerNode ?? h('span', { class: 'muted' }, 'not resident')),
              h('td', {}, children(r.children)),
              h(
                'td',
                {},
                r.stuck ? h('span', { class: 'error-text' }, r.stuckReason ?? 'stuck') : '—',
              ),
            ),
          ),
    );
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  state.addEventListener('change', () => void load());
  stuck.addEventListener('change', () => void load());
  return { load };
}

/** @param {ChildStatus[]} list */
export function children(list) {
  if (list.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'ul',
    { class: 'children' },
    list.map((c) =>
      h(
        'li',
        { title: c.lastError ?? '' },
        `${c.name} `,
        h('span', { class: 'badge', 'data-child': c.status }, c.status),
        c.restarts > 0 ? ` ×${c.restarts}` : '',
      ),
    ),
  );
}
