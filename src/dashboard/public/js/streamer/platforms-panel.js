// @ts-check
// Platform connections: list with chat state and viewers, a connect/update form, delete.

import { api, describeError } from '../api.js';
import { byId, h, replace, say } from '../dom.js';
import { PLATFORMS, platformName } from '../format.js';

/** @typedef {import('../types.js').PlatformConnection} PlatformConnection */
/** @typedef {import('../types.js').SessionView} SessionView */

/** @param {() => void} changed called after a connection was saved or removed */
export function createPlatformsPanel(changed) {
  const list = byId('platforms', HTMLElement);
  const form = byId('platform-form', HTMLFormElement);
  const select = byId('platform-select', HTMLSelectElement);
  const channel = byId('platform-channel', HTMLInputElement);
  const key = byId('platform-key', HTMLInputElement);
  const url = byId('platform-url', HTMLInputElement);
  const status = byId('platform-status', HTMLElement);
  /** @type {PlatformConnection[]} */
  let connections = [];
  /** @type {SessionView['platforms']} */
  let live = [];

  const render = () => {
    replace(
      list,
      PLATFORMS.map((platform) => {
        const c = connections.find((x) => x.platform === platform);
        const l = live.find((x) => x.platform === platform);
        return h(
          'li',
          { 'data-platform': platform },
          h('span', { class: `mark mark-${platform}` }, platformName(platform)),
          c?.connected
            ? h('span', { class: 'badge', 'data-status': 'active' }, 'connected')
            : h('span', { class: 'badge', 'data-status': 'removed' }, 'not connected'),
          c?.channel ? h('span', {}, c.channel) : null,
          c?.streamKey ? h('code', { class: 'masked' }, c.streamKey) : null,
          l && l.chat !== 'off' ? h('span', { class: 'muted' }, `chat ${l.chat}`) : null,
          l?.viewers !== undefined ? h('span', { class: 'muted' }, `${l.viewers} watching`) : null,
          c?.connected
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'small danger',
                  'aria-label': `Disconnect ${platformName(platform)}`,
                  onclick: () => void remove(platform),
                },
                'Disconnect',
              )
            : null,
        );
      }),
    );
  };

  /** @param {string} platform */
  const remove = async (platform) => {
    if (!window.confirm(`Disconnect ${platformName(platform)}? Its stream key is deleted.`)) return;
    try {
      await api('DELETE', `/api/platforms/${platform}`);
      say(status, `${platformName(platform)} disconnected.`, 'ok');
      await load();
      changed();
    } catch (err) {
      say(status, describeError(err), 'error');
    }
  };

  const load = async () => {
    try {
      connections = await api('GET', '/api/platforms');
    } catch (err) {
      say(status, describeError(err), 'error');
    }
    if (document.activeElement !== channel) fill();
    render();
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    /** @type {Record<string, string>} */
    const body = {};
    if (channel.value.trim()) body.channel = channel.value.trim();
    if (key.value) body.streamKey = key.value;
    if (url.value.trim()) body.ingestUrl = url.value.trim();
    say(status, 'Saving…');
    try {
      await api('PUT', `/api/platforms/${select.value}`, body);
      key.value = '';
      say(status, `${platformName(select.value)} saved.`, 'ok');
      await load();
      changed();
    } catch (err) {
      say(status, describeError(err), 'error');
    }
  });

  /** Shows the chosen platform's saved channel, so updating a key keeps it. */
  const fill = () => {
    const c = connections.find((x) => x.platform === select.value);
    channel.value = c?.channel ?? '';
    url.value = '';
  };
  select.addEventListener('change', fill);

  return {
    load,
    /** @param {SessionView} view */
    render(view) {
      live = view.platforms;
      render();
    },
  };
}
