// @ts-check
// Who did what to which session (GET /api/ops/audit).

import { api, describeError } from '../api.js';
import { byId, h, replace } from '../dom.js';
import { dateTime } from '../format.js';

/** @typedef {import('../types.js').AuditEntry} AuditEntry */

export function createAuditLog() {
  const body = byId('audit', HTMLElement);
  return {
    async load() {
      /** @type {AuditEntry[]} */
      let rows;
      try {
        rows = await api('GET', '/api/ops/audit?limit=50');
      } catch (err) {
        replace(
          body,
          h('tr', {}, h('td', { colspan: 5, class: 'error-text' }, describeError(err))),
        );
        return;
      }
      replace(
        body,
        rows.length === 0
          ? h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'Nothing audited yet.'))
          : rows.map((r) =>
              h(
                'tr',
                {},
                h('td', {}, dateTime(r.at)),
                h('td', {}, `${r.actor.id} (${r.actor.role})`),
                h('td', {}, r.action),
                h('td', {}, r.targetUserId ?? '—'),
                h(
                  'td',
                  {
                    class: r.outcome === 'ok' ? null : 'error-text',
                    title: typeof r.details.error === 'string' ? r.details.error : '',
                  },
                  r.outcome,
                ),
              ),
            ),
      );
    },
  };
}
