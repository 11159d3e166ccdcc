import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CloudflareFake, createCloudflareFake } from '../../libs/cloudflare';
import { ChatService } from '../../src/chat/chat.service';
import { SANDBOX, Sandbox } from '../../src/providers/sandbox';
import { createTestApp, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../artifacts');
/** Debian's Chromium, headless, with nothing that phones home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_TIMEOUT_MS = 15_000;

if (!existsSync(CHROMIUM)) {
  describe('Dashboard in a browser', () => {
    it('needs Chromium', () => {
      console.error(
        `Chromium not found at ${CHROMIUM}: browser tests skipped (apt-get install chromium)`,
      );
      expect(existsSync(CHROMIUM)).toBe(false);
    });
  });
} else {
  describe('Dashboard in a browser (Chromium) against the Cloudflare fake', () => {
    jest.setTimeout(60_000);
    let fake: CloudflareFake;
    let t: TestApp;
    let userDataDir: string;
    let context: BrowserContext;
    let page: Page;
    let inputId: string;
    /** Everything the pages asked for, and everything they complained about. */
    const requests: string[] = [];
    const problems: string[] = [];

    beforeAll(async () => {
      fake = await createCloudflareFake({ port: 0 });
      t = await createTestApp(
        { STREAM_DISCONNECT_TIMEOUT: '30s', RECONCILE_INTERVAL: '1h', CLEANUP_RETRY_BASE: '50ms' },
        fake,
      );
      ({ context, userDataDir } = await launch(requests, problems));
      page = context.pages()[0] ?? (await context.newPage());
    });

    afterAll(async () => {
      await context?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
      await t?.close();
      await fake?.close();
    });

    it('signs a streamer in with the dev form and shows the offline session', async () => {
      await page.goto(`${t.baseUrl}/`);
      await page.locator('#signin-form').waitFor();
      await shot(page, '01-sign-in');
      await page.getByLabel('User id').fill('alice');
      await page.getByLabel('Role').selectOption('streamer');
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.locator('#app').waitFor();
      await page.locator('#state-badge[data-state="offline"]').waitFor();
      expect(await text(page, '#whoami')).toBe('alice (streamer)');
      await page.locator('#live-status[data-status="live"]').waitFor();
      // The ingest was provisioned by the login hook; its key is masked until revealed.
      const key = page.locator('#ingest dd').nth(1).locator('code');
      expect(await key.innerText()).toMatch(/^\*\*\*\*.{4}$/);
      const input = [...fake.state.inputs.values()].find((i) => i.meta.userId === 'alice');
      expect(input).toBeDefined();
      inputId = input!.uid;

      // Connect two platforms through the form.
      for (const [platform, streamKey] of [
        ['twitch', 'live_twitch_key_1234'],
        ['youtube', 'yt-key-5678'],
      ]) {
        await page.locator('#platform-select').selectOption(platform);
        await page.getByLabel('Stream key', { exact: true }).fill(streamKey);
        await page.getByRole('button', { name: 'Save' }).click();
        await page
          .locator(`#platforms li[data-platform="${platform}"] .badge`, {
            hasText: /^connected$/,
          })
          .waitFor();
      }
      expect(await text(page, '#platforms li[data-platform="twitch"]')).toContain('****1234');
      await page.locator('#golive-platforms input[value="youtube"]').waitFor();
      await shot(page, '02-signed-in-platforms');
    });

    it('reveals the ingest key on request and masks it again', async () => {
      const key = page.locator('#ingest dd').nth(1).locator('code');
      await page.getByRole('button', { name: 'Reveal' }).click();
      await waitFor(async () => !(await key.innerText()).startsWith('****'), 'the key revealed');
      expect(await key.innerText()).toBe(fake.state.inputs.get(inputId)!.rtmpsStreamKey);
      await page.getByRole('button', { name: 'Hide' }).click();
      expect(await key.innerText()).toMatch(/^\*\*\*\*/);
    });

    it('turns ready, live from the socket, when the encoder connects', async () => {
      expect(await page.locator('#start').isDisabled()).toBe(true);
      await fake.connect(inputId);
      await page.locator('#state-badge[data-state="ready"]').waitFor();
      expect(await text(page, '#state-announce')).toContain('ready');
      await page.locator('#start:not([disabled])').waitFor();
      await shot(page, '03-ready');
    });

    it('starts on both platforms and shows every output active', async () => {
      await page.getByLabel('Title').fill('Browser test stream');
      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('#state-badge[data-state="streaming"]').waitFor();
      await page
        .locator('#outputs li[data-platform="twitch"] .badge[data-status="active"]')
        .waitFor();
      await page
        .locator('#outputs li[data-platform="youtube"] .badge[data-status="active"]')
        .waitFor();
      expect(fake.outputsOf(inputId)).toHaveLength(2);
      expect(fake.duplicateOutputs(inputId)).toEqual([]);
      await page.locator('#stop:not([disabled])').waitFor();
      await page.locator('#broadcasts tr', { hasText: 'Browser test stream' }).waitFor();
      await shot(page, '04-live');
    });

    it('shows a chat message the moment the backend receives it', async () => {
      // Outside the sandbox the platform adapters talk to the real platforms, so the
      // message enters where every platform monitor delivers: the chat service.
      const broadcast = (
        await t
          .http()
          .get('/api/broadcasts')
          .set(auth(await t.token('alice')))
      ).body[0] as { id: string };
      await t.app.get(ChatService).ingest('alice', broadcast.id, [
        {
          platform: 'twitch',
          type: 'message',
          author: { id: 'v1', name: 'pixel_pete', badges: ['subscriber'] },
          text: 'Hello from Twitch chat <b>not bold</b>',
          platformMessageId: 'twitch-msg-1',
          at: new Date().toISOString(),
        },
        {
          platform: 'youtube',
          type: 'donation',
          author: { id: 'v2', name: 'luna_live', badges: [] },
          text: 'Great stream!',
          amount: { value: 5, currency: 'USD' },
          platformMessageId: 'yt-msg-1',
          at: new Date().toISOString(),
        },
      ]);
      const twitch = page.locator('#chat-log li[data-platform="twitch"]');
      await twitch.waitFor();
      expect(await twitch.innerText()).toContain('pixel_pete');
      // Untrusted text is shown as text, never parsed as markup.
      expect(await twitch.locator('.text').innerText()).toBe(
        'Hello from Twitch chat <b>not bold</b>',
      );
      expect(await twitch.locator('b').count()).toBe(0);
      const donation = page.locator('#chat-log li[data-platform="youtube"]');
      expect(await donation.innerText()).toContain('5 USD');
      await shot(page, '05-chat');

      // Sending goes out over the socket; with no platform chat running, it says so.
      await page.getByLabel('Message', { exact: true }).fill('Thanks all!');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#chat-status[data-kind="error"]').waitFor();

      await page.setViewportSize({ width: 360, height: 780 });
      // No sideways scrolling at 360 px (an expression: the test's tsconfig has no DOM types).
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, '06-live-360px');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('counts the grace period down while the encoder is gone, and resumes when it returns', async () => {
      await fake.disconnect(inputId);
      const grace = page.locator('#grace:not([hidden])');
      await grace.waitFor();
      expect(await grace.innerText()).toMatch(/ends in \d+:\d\d unless it reconnects/);
      expect(await text(page, '#state-announce')).toContain('Encoder lost');
      const before = await text(page, '#grace-left');
      await waitFor(
        async () => (await text(page, '#grace-left')) !== before,
        'the countdown to tick',
      );
      await shot(page, '07-grace');
      await fake.connect(inputId);
      await page.locator('#grace[hidden]').waitFor({ state: 'attached' });
      await page.locator('#state-badge[data-state="streaming"]').waitFor();
      expect(fake.outputsOf(inputId)).toHaveLength(2);
    });

    it('stops: outputs are removed and the broadcast lands in the history', async () => {
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.locator('#state-badge[data-state="ready"]').waitFor();
      await waitFor(() => fake.outputsOf(inputId).length === 0, 'outputs removed at the fake');
      const row = page.locator('#broadcasts tr', { hasText: 'Browser test stream' });
      await waitFor(async () => !(await row.innerText()).includes('live'), 'broadcast ended');
      expect(await row.innerText()).toContain('Twitch, YouTube');
      await shot(page, '08-stopped');
    });

    it('lets ops restart a session from the console, behind a confirmation, and audits it', async () => {
      const ops = await context.newPage(); // a new tab: its own sessionStorage, so signed out
      await ops.goto(`${t.baseUrl}/ops`);
      await ops.getByLabel('User id').fill('ops1');
      expect(await ops.getByLabel('Role').inputValue()).toBe('ops');
      await ops.getByRole('button', { name: 'Sign in' }).click();
      const row = ops.locator('#sessions tr[data-user="alice"]');
      await row.waitFor();
      expect(await row.innerText()).toContain('ready');
      await ops.locator('#live-status[data-status="live"]').waitFor();

      // Every user's transitions arrive in the live feed.
      await fake.disconnect(inputId);
      await ops.locator('#feed li[data-user="alice"]', { hasText: 'offline' }).waitFor();
      await fake.connect(inputId);
      await ops.locator('#feed li[data-user="alice"]', { hasText: 'input-connected' }).waitFor();
      await ops.locator('#sessions tr[data-user="alice"] .badge[data-state="ready"]').waitFor();

      await ops.getByRole('button', { name: 'Inspect alice' }).click();
      await ops.locator('#detail-transitions tr', { hasText: 'stop' }).first().waitFor();
      await shot(ops, '09-ops-console');

      // Cancelling does nothing.
      await ops.getByRole('button', { name: 'Restart', exact: true }).click();
      await ops.locator('dialog#confirm[open]').waitFor();
      await ops.getByRole('button', { name: 'Cancel' }).click();
      await ops.locator('#detail-status', { hasText: 'cancelled' }).waitFor();

      await ops.getByRole('button', { name: 'Restart', exact: true }).click();
      const dialog = ops.locator('dialog#confirm[open]');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('Restart alice?');
      await shot(ops, '10-ops-confirm');
      await dialog.getByRole('button', { name: 'Restart' }).click();
      await ops.locator('#detail-status[data-kind="ok"]', { hasText: 'Restart done' }).waitFor();
      await ops.locator('#audit tr', { hasText: 'session.restart' }).waitFor();
      expect(await text(ops, '#audit tr:first-child')).toContain('ops1 (ops)');
      await ops.locator('#sessions tr[data-user="alice"] .badge[data-state="ready"]').waitFor();
      await shot(ops, '11-ops-restarted');

      const audit = await t
        .http()
        .get('/api/ops/audit')
        .set(auth(await t.token('ops2', 'ops')))
        .expect(200);
      expect(audit.body[0]).toMatchObject({
        action: 'session.restart',
        targetUserId: 'alice',
        outcome: 'ok',
      });
      await ops.close();
    });

    it('loaded nothing from outside the service and logged no errors', () => {
      expect(requests.length).toBeGreaterThan(10);
      expect(foreign(requests, t.baseUrl)).toEqual([]);
      expect(problems).toEqual([]);
    });
  });

  describe('Dashboard in a browser (Chromium) in sandbox mode', () => {
    jest.setTimeout(60_000);
    let t: TestApp;
    let userDataDir: string;
    let context: BrowserContext;
    const requests: string[] = [];
    const problems: string[] = [];

    beforeAll(async () => {
      // No Cloudflare credentials: the app runs against its own in-process fakes.
      t = await createTestApp({ STREAM_DISCONNECT_TIMEOUT: '30s', RECONCILE_INTERVAL: '1h' });
      // The sandbox aims its webhooks at PORT; the test app listens on a random port.
      t.app.get<Sandbox>(SANDBOX).fake!.configure({
        webhookUrl: `${t.baseUrl}/webhooks/cloudflare/live-input`,
        videoWebhookUrl: `${t.baseUrl}/webhooks/cloudflare/video`,
      });
      ({ context, userDataDir } = await launch(requests, problems));
    });

    afterAll(async () => {
      await context?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
      await t?.close();
    });

    it('shows the banner; its buttons connect demo platforms and the encoder, and send test chat', async () => {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${t.baseUrl}/`);
      await page.getByLabel('User id').fill('sam');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const banner = page.locator('#sandbox:not([hidden])');
      await banner.waitFor();
      expect(await banner.innerText()).toContain('Sandbox');
      await page.locator('#state-badge[data-state="offline"]').waitFor();

      await page.getByRole('button', { name: 'Connect demo platforms' }).click();
      await page
        .locator('#platforms li[data-platform="twitch"] .badge', { hasText: /^connected$/ })
        .waitFor();
      await page.locator('#golive-platforms input[value="youtube"]').waitFor();

      await page.getByRole('button', { name: 'Connect encoder', exact: true }).click();
      await page.locator('#state-badge[data-state="ready"]').waitFor();
      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('#state-badge[data-state="streaming"]').waitFor();
      await page
        .locator('#outputs li[data-platform="twitch"] .badge[data-status="active"]')
        .waitFor();
      // The chat monitors join the platform fakes' chats through the real client libraries.
      await page
        .locator('#platforms li[data-platform="twitch"]', { hasText: 'chat connected' })
        .waitFor();

      await page.getByRole('button', { name: 'Send test chat' }).click();
      await page.locator('#sandbox-status[data-kind="ok"]').waitFor();
      const message = page.locator('#chat-log li[data-platform="twitch"]', {
        hasText: 'Hello from the sandbox!',
      });
      await message.waitFor();
      await shot(page, '12-sandbox-chat');

      await page.getByRole('button', { name: 'Disconnect encoder' }).click();
      await page.locator('#grace:not([hidden])').waitFor();
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.locator('#state-badge[data-state="offline"]').waitFor();
      await shot(page, '13-sandbox-stopped');
      expect(foreign(requests, t.baseUrl)).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
}

function auth(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** A fresh Chromium profile that records every request and every complaint of its pages. */
async function launch(
  requests: string[],
  problems: string[],
): Promise<{ context: BrowserContext; userDataDir: string }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'dashboard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.on('request', (r) => requests.push(r.url()));
  context.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
  });
  context.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { context, userDataDir };
}

function shot(p: Page, name: string): Promise<Buffer> {
  return p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

function text(p: Page, selector: string): Promise<string> {
  return p.locator(selector).innerText();
}

/** Requests that went anywhere but the service under test. */
function foreign(requests: string[], baseUrl: string): string[] {
  return requests.filter(
    (u) => !u.startsWith(`${baseUrl}/`) && !u.startsWith(`${baseUrl.replace('http', 'ws')}/`),
  );
}
