// @ts-check
// The streamer page: signs in, activates the session (the login hook), then keeps
// every panel current from the /live socket. Nothing polls.

import { api, describeError } from '../api.js';
import { showIdentity, signIn } from '../auth.js';
import { byId } from '../dom.js';
import { connectLive, liveIndicator } from '../live.js';
import { setUpSandbox } from '../sandbox.js';
import { createBroadcastsPanel } from './broadcasts-panel.js';
import { createChatPanel } from './chat-panel.js';
import { createGoLivePanel } from './golive-panel.js';
import { createIngestPanel } from './ingest-panel.js';
import { createPlatformsPanel } from './platforms-panel.js';
import { createStatePanel } from './state-panel.js';

/** @typedef {import('../types.js').SessionView} SessionView */
/** @typedef {import('../types.js').ChatEvent} ChatEvent */
/** @typedef {import('../types.js').TransitionEvent} TransitionEvent */
/** @typedef {import('../types.js').OutputEvent} OutputEvent */
/** @typedef {import('../types.js').ViewersEvent} ViewersEvent */
/** @typedef {import('../types.js').Ack} Ack */
/** @typedef {import('../live.js').LiveClient} LiveClient */

const indicator = liveIndicator(byId('live-status', HTMLElement));
const { token, me } = await signIn({ defaultRole: 'streamer' });
showIdentity(me);
byId('app', HTMLElement).hidden = false;

/** @type {LiveClient | null} */
let live = null;

/**
 * A command over the socket when it is up (ack `{ ok, error? }`), else over REST.
 * @param {string} event
 * @param {unknown} payload
 * @param {() => Promise<unknown>} rest
 */
async function command(event, payload, rest) {
  if (live?.connected()) {
    const ack = await live.command(event, payload);
    if (!ack.ok) {
      const message = ack.error ?? `${event} was refused`;
      throw new Error(ack.code ? `${message} (${ack.code})` : message);
    }
    return ack;
  }
  return rest();
}

const statePanel = createStatePanel();
const ingestPanel = createIngestPanel();
const broadcasts = createBroadcastsPanel();
const chat = createChatPanel(async (text) => {
  // The REST reply carries per-platform results; the socket ack may too.
  const res = /** @type {{ results?: Record<string, { ok: boolean, error?: string }> }} */ (
    await command('chat:send', { text }, () => api('POST', '/api/chat', { text }))
  );
  return res?.results;
});
const goLive = createGoLivePanel({
  start: async (platforms, title) => {
    const body = { platforms, ...(title ? { title } : {}) };
    const res = await command('session:start', body, () => api('POST', '/api/session/start', body));
    if (isView(res)) show(res);
  },
  stop: async () => {
    const res = await command('session:stop', undefined, () => api('POST', '/api/session/stop'));
    if (isView(res)) show(res);
  },
  setOutput: async (platform, enabled) => {
    show(await api('PUT', `/api/session/outputs/${platform}`, { enabled }));
  },
});
const platforms = createPlatformsPanel(() => void resync());
void setUpSandbox({
  platformsChanged: () => {
    void platforms.load();
    void resync();
  },
});

/** @type {SessionView} */
let view;
try {
  view = await api('POST', '/api/session'); // the login hook: idempotent, provisions ingest
} catch (err) {
  byId('state-hint', HTMLElement).textContent =
    `Your session could not be opened: ${describeError(err)}`;
  throw err;
}

/** @param {SessionView} next */
function show(next) {
  view = next;
  statePanel.render(view);
  goLive.render(view);
  ingestPanel.render(view.input.ingest);
  platforms.render(view);
  chat.viewersFrom(view);
}

/** @param {unknown} x @returns {x is SessionView} */
function isView(x) {
  return Boolean(x && typeof x === 'object' && 'state' in x && 'outputs' in x);
}

/** A fresh session view: over the socket when up (the reply is a `session` event). */
async function resync() {
  if (live?.connected()) {
    await live.command('session:resync').catch(() => undefined);
  } else {
    show(await api('GET', '/api/session'));
  }
}

show(view);
void platforms.load();
void broadcasts.load();
/** @type {ChatEvent[]} */
const history = await api('GET', '/api/chat?limit=100').catch(() => []);
chat.reset(history);

live = await connectLive(token, indicator);
if (live) {
  live.on('session', (next) => {
    if (next?.userId === me.userId) show(next);
  });
  live.on('transition', (t) => {
    if (t.userId !== me.userId) return;
    show({ ...view, state: /** @type {SessionView['state']} */ (t.to), stateSince: t.at });
    // A broadcast started or ended: the history changed.
    if (t.to === 'streaming' || t.from === 'ending' || t.to === 'offline') void broadcasts.load();
    // The transition carries the state only; substate, grace and outputs come with a snapshot.
    void resync();
  });
  live.on('output', (o) => {
    if (o.userId !== me.userId) return;
    const outputs = view.outputs.filter((x) => x.platform !== o.platform);
    const prev = view.outputs.find((x) => x.platform === o.platform);
    const next = {
      platform: o.platform,
      enabled: prev?.enabled ?? true,
      status: o.status,
      ...(o.lastError ? { lastError: o.lastError } : {}),
    };
    const index = view.outputs.findIndex((x) => x.platform === o.platform);
    outputs.splice(index < 0 ? outputs.length : index, 0, next);
    show({ ...view, outputs });
  });
  live.on('chat', (events) => {
    chat.add((Array.isArray(events) ? events : [events]).filter((e) => e.userId === me.userId));
  });
  live.on('viewers', (v) => {
    if (v.userId === me.userId) chat.viewers(v.platform, v.count);
  });
} else {
  indicator('unavailable', 'This server has no live endpoint; reload to refresh');
}
