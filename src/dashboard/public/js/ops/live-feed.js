// @ts-check
// Every user's transitions as they happen (ops sockets receive all of them).

import { byId, h } from '../dom.js';
import { time } from '../format.js';

/** @typedef {import('../types.js').TransitionEvent} TransitionEvent */

const MAX_ITEMS = 200;

export function createLiveFeed() {
  const feed = byId('feed', HTMLElement);
  const empty = h('li', { class: 'muted empty' }, 'Waiting for transitions…');
  feed.append(empty);
  return {
    /** @param {TransitionEvent} t */
    add(t) {
      empty.remove();
      feed.prepend(
        h(
          'li',
          { 'data-user': t.userId },
          h('time', { datetime: t.at, class: 'muted' }, time(t.at)),
          ' ',
          h('strong', {}, t.userId),
          ' ',
          h('span', { class: 'badge', 'data-state': t.from }, t.from),
          ' → ',
          h('span', { class: 'badge', 'data-state': t.to }, t.to),
          ' ',
          h('span', { class: 'muted' }, t.reason),
        ),
      );
      while (feed.children.length > MAX_ITEMS) feed.lastElementChild?.remove();
    },
  };
}
