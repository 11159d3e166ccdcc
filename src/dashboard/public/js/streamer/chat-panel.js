// @ts-check
// Unified chat: every platform in one log, each message marked with its platform.

import { describeError } from '../api.js';
import { byId, h, replace, say } from '../dom.js';
import { platformName, time } from '../format.js';

/** @typedef {import('../types.js').ChatEvent} ChatEvent */
/** @typedef {import('../types.js').SessionView} SessionView */
/** @typedef {import('../types.js').Platform} Platform */

const MAX_MESSAGES = 300;

/**
 * @param {(text: string) => Promise<Record<string, { ok: boolean, error?: string }> | undefined>} send
 */
export function createChatPanel(send) {
  const log = byId('chat-log', HTMLElement);
  const viewers = byId('viewers', HTMLElement);
  const form = byId('chat-form', HTMLFormElement);
  const input = byId('chat-text', HTMLInputElement);
  const status = byId('chat-status', HTMLElement);
  const seen = new Set();
  /** @type {Map<Platform, number>} */
  const counts = new Map();

  const renderViewers = () => {
    replace(
      viewers,
      [...counts].map(([platform, count]) =>
        h(
          'li',
          { class: `chip mark-${platform}` },
          `${platformName(platform)}: `,
          h('strong', {}, count.toLocaleString()),
          ' watching',
        ),
      ),
    );
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    say(status, 'Sending…');
    try {
      const results = await send(text);
      const failed = Object.entries(results ?? {}).filter(([, r]) => !r.ok);
      const sent = Object.entries(results ?? {}).filter(([, r]) => r.ok);
      input.value = '';
      if (failed.length > 0) {
        say(
          status,
          `${sent.length > 0 ? `Sent to ${sent.map(([p]) => platformName(p)).join(', ')}. ` : ''}Not sent to ${failed
            .map(([p, r]) => `${platformName(p)} (${r.error ?? 'failed'})`)
            .join(', ')}`,
          sent.length > 0 ? 'info' : 'error',
        );
      } else if (sent.length === 0) {
        say(status, 'No platform chat is connected: nothing was sent.', 'error');
      } else {
        say(status, `Sent to ${sent.map(([p]) => platformName(p)).join(', ')}.`, 'ok');
      }
    } catch (err) {
      say(status, describeError(err), 'error');
    }
  });

  return {
    /** Appends new events (oldest first); duplicates are ignored. @param {ChatEvent[]} events */
    add(events) {
      const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
      for (const e of events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        log.append(renderEvent(e));
      }
      if (events.length > 0) log.querySelector('.empty')?.remove();
      while (log.children.length > MAX_MESSAGES) log.firstElementChild?.remove();
      if (stick) log.scrollTop = log.scrollHeight;
    },
    /** @param {ChatEvent[]} history newest first, as GET /api/chat returns it */
    reset(history) {
      seen.clear();
      log.replaceChildren();
      if (history.length === 0) log.append(h('li', { class: 'empty muted' }, 'No chat yet.'));
      this.add([...history].reverse());
    },
    /** @param {SessionView} view */
    viewersFrom(view) {
      for (const p of view.platforms)
        if (p.viewers !== undefined) counts.set(p.platform, p.viewers);
      renderViewers();
    },
    /** @param {Platform} platform @param {number} count */
    viewers(platform, count) {
      counts.set(platform, count);
      renderViewers();
    },
  };
}

/** @param {ChatEvent} e */
function renderEvent(e) {
  const amount = e.amount ? `${e.amount.value} ${e.amount.currency}` : null;
  return h(
    'li',
    { class: `chat-event type-${e.type}`, 'data-platform': e.platform },
    h(
      'span',
      { class: `mark mark-${e.platform}`, title: platformName(e.platform) },
      platformName(e.platform),
    ),
    h('time', { datetime: e.at, class: 'muted' }, time(e.at)),
    h('strong', { class: 'author' }, e.author.name),
    e.author.badges.length > 0
      ? h('span', { class: 'muted badges' }, e.author.badges.join(' '))
      : null,
    e.type !== 'message' ? h('span', { class: 'event-type' }, e.type) : null,
    amount ? h('span', { class: 'amount' }, amount) : null,
    h('span', { class: 'text' }, e.text),
  );
}
