/**
 * End to end: the SMS campaigns page on the local host (child process, fresh data dir, 200
 * drivers) in headless Chromium. A recruiter builds a campaign for a filtered audience and sends
 * it; the real `twilio` SDK talks to the Twilio simulator; deliveries, a driver's reply and a STOP
 * (sent from the simulator's handset API) appear in the page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, FrameLocator } from 'playwright-core';
import { getData as browseData, hasChromium, launchChromium, startHostProcess, stopHostProcess, type DataPage, type HostProcess } from './support';
import type * as z from 'zod';

const RECRUITER_ID = 'member-recruiter-1';
if (!hasChromium) console.warn('Skipping the SMS campaigns browser test: missing Chromium (apt-get install -y chromium).');
const describeBrowser = hasChromium ? describe : describe.skip;

/** A weekday afternoon in every US zone, so federal and state quiet hours hold nobody. */
const CLOCK_START = '2026-01-21T19:00:00Z';

function getData(base: string, collection: string, ...eq: string[]): Promise<z.infer<typeof DataPage>> {
  return browseData(base, collection, { eq, limit: 50 });
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
  let host: HostProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sms-e2e-'));
    host = await startHostProcess(dataDir, { CLOCK_START });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopHostProcess(host);
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
