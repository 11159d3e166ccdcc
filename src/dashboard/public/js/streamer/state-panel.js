// @ts-check
// The state badge, time in state, the grace countdown and health problems. The clock
// ticks locally once a second; the state itself only changes on socket events.

import { byId, h, replace } from '../dom.js';
import { clock, duration, time } from '../format.js';

/** @typedef {import('../types.js').SessionView} SessionView */

/** @type {Record<string, string>} */
const HINTS = {
  offline:
    'Start your encoder with the settings below; the session becomes ready when it connects.',
  ready: 'Your encoder is connected. Pick platforms and press Start.',
  streaming: 'You are live.',
  ending: 'Ending the stream: removing every output…',
};

export function createStatePanel() {
  const badge = byId('state-badge', HTMLElement);
  const sub = byId('state-substate', HTMLElement);
  const since = byId('state-time', HTMLElement);
  const grace = byId('grace', HTMLElement);
  const graceLeft = byId('grace-left', HTMLElement);
  const hint = byId('state-hint', HTMLElement);
  const health = byId('health', HTMLElement);
  const facts = byId('state-facts', HTMLElement);
  const announce = byId('state-announce', HTMLElement);
  /** @type {SessionView | null} */
  let current = null;
  let announced = '';

  const tick = () => {
    if (!current) return;
    since.textContent = duration(Date.now() - Date.parse(current.stateSince));
    if (current.graceEndsAt)
      graceLeft.textContent = clock(Date.parse(current.graceEndsAt) - Date.now());
  };
  setInterval(tick, 1000);

  return {
    /** @param {SessionView} view */
    render(view) {
      current = view;
      badge.textContent = view.state;
      badge.dataset.state = view.state;
      sub.textContent = view.substate ? `(${view.substate})` : '';
      grace.hidden = !view.graceEndsAt;
      hint.textContent = view.failed
        ? `Failed: ${view.failed.reason}`
        : view.graceEndsAt
          ? ''
          : (HINTS[view.state] ?? '');
      /** @param {string} k @param {string} v */
      const fact = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
      replace(
        facts,
        fact(
          'Encoder',
          `${view.input.status ?? 'unknown'}${view.input.lastSeenAt ? `, seen ${time(view.input.lastSeenAt)}` : ''}`,
        ),
        view.broadcast
          ? fact(
              'Broadcast',
              `${view.broadcast.title || 'Untitled'}, since ${time(view.broadcast.startedAt)}`,
            )
          : [],
      );
      replace(
        health,
        view.health.reasons.map((r) => h('li', {}, r)),
      );
      // Announce changes of state only: the ticking clock must not chatter.
      const sentence = view.graceEndsAt
        ? `Encoder lost. The stream ends in ${clock(Date.parse(view.graceEndsAt) - Date.now())} unless it reconnects.`
        : `Status: ${view.state}${view.substate ? `, ${view.substate}` : ''}.`;
      if (sentence !== announced) {
        announced = sentence;
        announce.textContent = sentence;
      }
      tick();
    },
  };
}
