// @ts-check
// Platform checkboxes, title, Start / Stop, and the per-output status list.

import { describeError } from '../api.js';
import { byId, h, replace, say } from '../dom.js';
import { platformName } from '../format.js';

/** @typedef {import('../types.js').SessionView} SessionView */
/** @typedef {import('../types.js').Platform} Platform */

/**
 * @typedef {object} GoLiveActions
 * @property {(platforms: Platform[], title: string) => Promise<void>} start
 * @property {() => Promise<void>} stop
 * @property {(platform: Platform, enabled: boolean) => Promise<void>} setOutput
 */

/** @param {GoLiveActions} actions */
export function createGoLivePanel(actions) {
  const form = byId('golive-form', HTMLFormElement);
  const boxes = byId('golive-platforms', HTMLElement);
  const title = byId('golive-title-input', HTMLInputElement);
  const start = byId('start', HTMLButtonElement);
  const stop = byId('stop', HTMLButtonElement);
  const status = byId('golive-status', HTMLElement);
  const outputs = byId('outputs', HTMLElement);
  /** Platforms the streamer unticked; everything connected is ticked by default. */
  const unticked = new Set();
  /** @type {SessionView | null} */
  let current = null;
  let busy = false;

  const chosen = () =>
    /** @type {Platform[]} */ (
      [...boxes.querySelectorAll('input[type=checkbox]:checked')].map(
        (el) => /** @type {HTMLInputElement} */ (el).value,
      )
    );

  const sync = () => {
    const state = current?.state;
    start.disabled = busy || state !== 'ready' || chosen().length === 0;
    stop.disabled = busy || state !== 'streaming';
  };

  /** @param {() => Promise<void>} work @param {string} pending @param {string} done */
  const run = async (work, pending, done) => {
    busy = true;
    sync();
    say(status, pending);
    try {
      await work();
      say(status, done, 'ok');
    } catch (err) {
      say(status, describeError(err), 'error');
    } finally {
      busy = false;
      sync();
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(
      () => actions.start(chosen(), title.value.trim()),
      'Starting…',
      'Start accepted: outputs are being created.',
    );
  });
  stop.addEventListener('click', () => {
    void run(() => actions.stop(), 'Stopping…', 'Stop accepted: outputs are being removed.');
  });

  return {
    /** @param {SessionView} view */
    render(view) {
      current = view;
      const connected = view.platforms.filter((p) => p.connected);
      replace(
        boxes,
        connected.length === 0
          ? h('p', { class: 'hint' }, 'Connect a platform below to stream to it.')
          : connected.map((p) => {
              const id = `golive-${p.platform}`;
              const box = h('input', {
                type: 'checkbox',
                id,
                value: p.platform,
                checked: !unticked.has(p.platform),
                onchange: (/** @type {Event} */ e) => {
                  const el = /** @type {HTMLInputElement} */ (e.target);
                  if (el.checked) unticked.delete(p.platform);
                  else unticked.add(p.platform);
                  sync();
                },
              });
              return h('label', { class: 'check', for: id }, box, platformName(p.platform));
            }),
      );
      if (view.broadcast && !title.value && document.activeElement !== title) {
        title.placeholder = view.broadcast.title || 'Stream title';
      }
      replace(
        outputs,
        view.outputs.length === 0
          ? h('li', { class: 'muted' }, 'No outputs: nothing is being restreamed.')
          : view.outputs.map((o) =>
              h(
                'li',
                { 'data-platform': o.platform },
                h('span', { class: `mark mark-${o.platform}` }, platformName(o.platform)),
                h('span', { class: 'badge', 'data-status': o.status }, o.status),
                o.enabled ? null : h('span', { class: 'muted' }, 'paused'),
                o.lastError ? h('span', { class: 'error-text' }, o.lastError) : null,
                view.state === 'streaming'
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'small',
                        onclick: () =>
                          void run(
                            () => actions.setOutput(o.platform, !o.enabled),
                            o.enabled ? 'Pausing…' : 'Resuming…',
                            o.enabled
                              ? `${platformName(o.platform)} paused.`
                              : `${platformName(o.platform)} resumed.`,
                          ),
                      },
                      o.enabled ? 'Pause' : 'Resume',
                    )
                  : null,
              ),
            ),
      );
      sync();
    },
  };
}
