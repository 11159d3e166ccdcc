// @ts-check
// Broadcast history (GET /api/broadcasts), reloaded when a broadcast starts or ends.

import { api, describeError } from '../api.js';
import { byId, h, replace } from '../dom.js';
import { dateTime, duration, platformName } from '../format.js';

/** @typedef {import('../types.js').Broadcast} Broadcast */

export function createBroadcastsPanel() {
  const body = byId('broadcasts', HTMLElement);
  return {
    async load() {
      /** @type {Broadcast[]} */
      let rows;
      try {
        rows = await api('GET', '/api/broadcasts?limit=20');
      } catch (err) {
        replace(
          body,
          h('tr', {}, h('td', { colspan: 7, class: 'error-text' }, describeError(err))),
        );
        return;
      }
      if (rows.length === 0) {
        replace(body, h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No broadcasts yet.')));
        return;
      }
      replace(
        body,
        rows.map((b) =>
          h(
            'tr',
            {},
            h('td', {}, b.title || 'Untitled'),
            h('td', {}, dateTime(b.startedAt)),
            h(
              'td',
              {},
              b.endedAt
                ? duration(Date.parse(b.endedAt) - Date.parse(b.startedAt))
                : h('span', { class: 'badge', 'data-state': 'streaming' }, 'live'),
            ),
            h('td', {}, b.platforms.map(platformName).join(', ') || '—'),
            h('td', {}, b.peakViewers ?? '—'),
            h('td', {}, b.chatCount),
            h('td', {}, b.recording ? (b.recording.videoId ?? 'linked') : '—'),
          ),
        ),
      );
    },
  };
}
