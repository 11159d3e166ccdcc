// @ts-check
// The ops console: sessions, one session's log and repairs, the audit log, and a live
// feed of every transition. Lists reload when a transition arrives; nothing polls.

import { showIdentity, signIn } from '../auth.js';
import { byId } from '../dom.js';
import { connectLive, liveIndicator } from '../live.js';
import { setUpSandbox } from '../sandbox.js';
import { createAuditLog } from './audit-log.js';
import { createLiveFeed } from './live-feed.js';
import { createSessionDetail } from './session-detail.js';
import { createSessionsTable } from './sessions-table.js';

/** @typedef {import('../types.js').TransitionEvent} TransitionEvent */

const indicator = liveIndicator(byId('live-status', HTMLElement));
const { token, me } = await signIn({ defaultRole: 'ops', needRole: 'ops' });
showIdentity(me);
byId('app', HTMLElement).hidden = false;
void setUpSandbox();

const audit = createAuditLog();
const detail = createSessionDetail(() => {
  void sessions.load();
  void audit.load();
});
const sessions = createSessionsTable((userId) => void detail.show(userId));
const feed = createLiveFeed();

await Promise.all([sessions.load(), audit.load()]);

/** Coalesces a burst of transitions into one reload of the list. */
let reloadTimer = 0;
const reloadSoon = () => {
  window.clearTimeout(reloadTimer);
  reloadTimer = window.setTimeout(() => void sessions.load(), 250);
};

const live = await connectLive(token, indicator);
if (live) {
  live.on('transition', (t) => {
    feed.add(t);
    reloadSoon();
    detail.changed(t.userId);
  });
  live.on('output', (o) => detail.changed(o.userId));
}
