/**
 * End to end: the SMS campaigns page on the local host (child process, fresh data dir, 200
 * drivers) in headless Chromium. A recruiter builds a campaign for a filtered audience and sends
 * it; the real `twilio` SDK talks to the Twilio simulator; deliveries, a driver's reply and a STOP
 * (sent from the simulator's handset API) appear in the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator } from 'playwright-core';
import * as z from 'zod';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const RECRUITER_ID = 'member-recruiter-1';
const missing = fs.existsSync(CHROMIUM) ? [] : ['Chromium (apt-get install -y chromium)'];
if (missing.length > 0) console.warn(`Skipping the SMS campaigns browser test: missing ${missing.join('; ')}.`);
const describeBrowser = missing.length === 0 ? describe : describe.skip;

const DataPage = z.object({ totalCount: z.number(), items: z.array(z.record(z.string(), z.unknown())) });

async function startHostProcess(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'local', 'host', 'main.ts')], {
    cwd: ROOT,
    // A weekday afternoon in every US zone, so federal and state quiet hours hold nobody.
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED_DRIVERS: '200', WIX_STRICT: '', CLOCK_SPEED: '1', CLOCK_START: '2026-01-21T19:00:00Z' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${String(code)} before listening:\n${output}`)));
  });
  return { child, base };
}

async function adminCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/_local/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ memberId: 'member-admin', returnTo: '/' }).toString(),
    redirect: 'manual',
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function getData(base: string, collection: string, ...eq: string[]): Promise<z.infer<typeof DataPage>> {
  const query = eq.map((e) => `&eq=${encodeURIComponent(e)}`).join('');
  const res = await fetch(`${base}/_local/api/data/${collection}?limit=50${query}`, { headers: { cookie: await adminCookie(base) } });
  return DataPage.parse(await res.json());
}

/** The Twilio simulator's console, as linked from the host's home page. */
async function twilioConsole(base: string): Promise<string> {
  const home = await (await fetch(`${base}/`)).text();
  const href = /href="([^"]*\/_sim\/twilio\/)"/.exec(home)?.[1];
  if (!href) throw new Error('the home page links no Twilio simulator console');
  return new URL(href, base).toString();
}

async function statOf(app: FrameLocator, key: string): Promise<number> {
  return Number(((await app.locator(`#detail-stats [data-stat="${key}"]`).textContent()) ?? '').replace(/[^\d.]/g, '') || '0');
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeBrowser('SMS campaigns page end to end in headless Chromium', () => {
  let host: Awaited<ReturnType<typeof startHostProcess>>;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-e2e-'));
    host = await startHostProcess(dataDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (host?.child.exitCode === null) {
      const exited = new Promise((resolve) => host.child.once('exit', resolve));
      host.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a campaign for a filtered audience, sends it, and shows deliveries, a reply and an opt-out', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1300 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${host.base}/_local/signin?returnTo=/recruiter-sms`);
    await page.click(`button[data-member-id="${RECRUITER_ID}"]`);
    await page.waitForURL(`${host.base}/recruiter-sms`);
    const app = page.frameLocator('iframe[data-wix-id="smsCampaignsApp"]');

    await app.locator('#new-campaign').click({ timeout: 30_000 });
    const name = `E2E Class A blast ${Date.now()}`;
    await app.locator('#campaign-name').fill(name);
    await app.locator('#message-A').fill('Hi {{firstName}}, {{carrierName}} is hiring CDL-A drivers. Reply YES for details. ');
    await app.locator('[data-variable="optOutText"]').click();
    await app.locator('input[name="cdl"][value="A"]').check();
    await app.locator('input[name="windowOn"]').uncheck();
    await until(async () => Number(((await app.locator('#estimate-count').textContent().catch(() => '')) ?? '').replace(/\D/g, '')) > 0, 30_000, 'a live audience estimate');

    await app.locator('#send-button').click();
    await app.locator('#confirm-send').waitFor({ timeout: 30_000 });
    expect(Number(((await app.locator('#confirm-count').textContent()) ?? '').replace(/\D/g, ''))).toBeGreaterThan(0);
    await app.locator('#confirm-yes').click();
    await app.locator('#progress').waitFor({ timeout: 30_000 });
    expect(await app.locator('#campaign-title').textContent()).toBe(name);

    await until(async () => (await statOf(app, 'delivered')) > 0, 90_000, 'deliveries in the page').catch(async (error: unknown) => {
      await page.screenshot({ path: path.join(os.tmpdir(), 'sms-e2e-failure.png') });
      throw error;
    });

    const campaign = (await getData(host.base, 'SMSCampaigns', `campaign_name:${name}`)).items[0];
    const campaignId = String(campaign?.['_id']);
    const messages = (await getData(host.base, 'SMSMessages', `campaign_id:${campaignId}`)).items.filter((m) => m['status'] === 'delivered');
    expect(messages.length).toBeGreaterThanOrEqual(2);
    const [interested, leaving] = messages.map((m) => String(m['phone_number']));

    const sim = await twilioConsole(host.base);
    const send = (phone: string | undefined, body: string) =>
      fetch(`${sim}api/handset/${encodeURIComponent(phone ?? '')}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body }) });
    expect((await send(interested, 'YES - what is the home time?')).status).toBe(200);
    expect((await send(leaving, 'STOP')).status).toBe(200);

    await until(async () => (await app.locator('#reply-feed .reply').count()) >= 1 && (await statOf(app, 'opt-outs')) >= 1, 60_000, 'the reply and the opt-out in the page');
    expect(await app.locator('#reply-feed').textContent()).toContain('YES - what is the home time?');
    expect(await statOf(app, 'replies')).toBeGreaterThanOrEqual(1);

    await app.locator('nav [data-view="inbox"]').click();
    await app.locator('#reply-filter').selectOption('all');
    await until(async () => (await app.locator('#reply-list').textContent())?.includes('YES - what is the home time?') === true, 30_000, 'the reply in the inbox');
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
