// @ts-check
// Encoder settings: masked unless revealed (POST /api/ingest/reveal), with Copy buttons.

import { api, describeError } from '../api.js';
import { byId, h, replace, say } from '../dom.js';

/** @typedef {import('../types.js').IngestCredentials} IngestCredentials */
/** @typedef {import('../types.js').IngestView} IngestView */

export function createIngestPanel() {
  const list = byId('ingest', HTMLElement);
  const reveal = byId('ingest-reveal', HTMLButtonElement);
  const status = byId('ingest-status', HTMLElement);
  /** @type {IngestCredentials | null} */
  let masked = null;
  /** @type {IngestView | null} */
  let revealed = null;

  /** Copies a value, fetching the unmasked credentials first when needed. */
  /** @param {(c: IngestCredentials) => string | undefined} pick @param {string} label @param {boolean} secret */
  const copy = async (pick, label, secret) => {
    try {
      const source = secret ? (revealed ?? (await api('POST', '/api/ingest/reveal'))) : masked;
      const value = source ? pick(/** @type {IngestCredentials} */ (source)) : undefined;
      if (!value) throw new Error(`No ${label} yet`);
      await navigator.clipboard.writeText(value);
      say(status, `${label} copied.`, 'ok');
    } catch (err) {
      say(status, `Could not copy: ${describeError(err)}`, 'error');
    }
  };

  /**
   * @param {string} label
   * @param {string | undefined} value
   * @param {(c: IngestCredentials) => string | undefined} pick
   * @param {boolean} secret
   */
  const field = (label, value, pick, secret) => [
    h('dt', {}, label),
    h(
      'dd',
      {},
      h('code', { class: secret && !revealed ? 'masked' : null }, value ?? '—'),
      value
        ? h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `Copy ${label}`,
              onclick: () => void copy(pick, label, secret),
            },
            'Copy',
          )
        : null,
    ),
  ];

  const render = () => {
    const c = revealed ?? masked;
    if (!c || !c.rtmps) {
      replace(list, h('dt', {}, 'RTMPS'), h('dd', { class: 'muted' }, 'Not provisioned yet'));
      reveal.disabled = true;
      return;
    }
    reveal.disabled = false;
    replace(
      list,
      field('RTMPS URL', c.rtmps.url, (x) => x.rtmps?.url, false),
      field('Stream key', c.rtmps.streamKey, (x) => x.rtmps?.streamKey, true),
      c.srt ? field('SRT URL', c.srt.url, (x) => x.srt?.url, false) : [],
      c.srt ? field('SRT stream id', c.srt.streamId, (x) => x.srt?.streamId, false) : [],
      c.srt ? field('SRT passphrase', c.srt.passphrase, (x) => x.srt?.passphrase, true) : [],
      c.webRTC ? field('WHIP URL', c.webRTC.url, (x) => x.webRTC?.url, false) : [],
    );
    reveal.textContent = revealed ? 'Hide' : 'Reveal';
    reveal.setAttribute('aria-pressed', String(Boolean(revealed)));
  };

  reveal.addEventListener('click', async () => {
    if (revealed) {
      revealed = null;
      say(status, '');
      render();
      return;
    }
    try {
      revealed = await api('POST', '/api/ingest/reveal');
      say(status, 'Shown in full. Hide it before sharing your screen.', 'info');
    } catch (err) {
      say(status, describeError(err), 'error');
    }
    render();
  });

  return {
    /** @param {IngestCredentials} ingest masked credentials from the session view */
    render(ingest) {
      // A rotated key invalidates what was revealed.
      if (revealed && JSON.stringify(ingest) !== JSON.stringify(masked)) revealed = null;
      masked = ingest;
      render();
    },
  };
}
