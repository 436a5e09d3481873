/**
 * End to end: `local/host/main.ts` in a child process (fresh data dir, 200 drivers), the dashboard
 * page in headless Chromium. The iframe app asks the page code, the page code calls the web method
 * over the RPC, the web method reads the store, and the answer is rendered back inside the iframe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM, DataPage, adminCookie, hasChromium, launchChromium, startHostProcess, stopHostProcess, type HostProcess } from './support';
import type { z } from 'zod';

const RECRUITER_ID = 'member-recruiter-1';
if (!hasChromium) {
  console.warn(`Skipping the browser round trip: ${CHROMIUM} is missing (install it with: apt-get install -y chromium).`);
}
const describeBrowser = hasChromium ? describe : describe.skip;

async function getData(base: string, collection: string, ...eq: string[]): Promise<z.infer<typeof DataPage>> {
  const query = eq.map((e) => `&eq=${encodeURIComponent(e)}`).join('');
  const url = `${base}/_local/api/data/${collection}?limit=10${query}`;
  // The data browser holds personal data: anonymous callers are refused.
  expect((await fetch(url)).status).toBe(403);
  const res = await fetch(url, { headers: { cookie: await adminCookie(base) } });
  return DataPage.parse(await res.json());
}

describeBrowser('page-code round trip in headless Chromium', () => {
  let host: HostProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-e2e-'));
    host = await startHostProcess(dataDir);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopHostProcess(host);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the health check', async () => {
    const res = await fetch(`${host.base}/_functions/health`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('shows an anonymous visitor the permission error inside the iframe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${host.base}/recruiter-dashboard`);
    const app = page.frameLocator('iframe[data-wix-id="dashboardApp"]');
    await app.locator('#error').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await app.locator('#error').textContent()).toMatch(/Permission denied.*signed-in site member/);
    await context.close();
  });

  it('signs in as a recruiter and renders store data computed by web methods inside the iframe', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${host.base}/_local/signin?returnTo=/recruiter-dashboard`);
    await page.click(`button[data-member-id="${RECRUITER_ID}"]`);
    await page.waitForURL(`${host.base}/recruiter-dashboard`);
    expect(await page.locator('#local-member').textContent()).toMatch(/Signed in as/);

    const app = page.frameLocator('iframe[data-wix-id="dashboardApp"]');
    await app.locator('#overview').waitFor({ state: 'visible', timeout: 30_000 });

    // What the store holds, read independently of the web methods (the host's data browser).
    const recruiter = (await getData(host.base, 'RecruiterProfiles', `member_id:${RECRUITER_ID}`)).items[0];
    const carrierDot = String(recruiter?.['carrier_dot']);
    const carrier = (await getData(host.base, 'Carriers', `carrier_dot:${carrierDot}`)).items[0];
    const drivers = await getData(host.base, 'DriverProfiles', `carrier_dot:${carrierDot}`);
    expect(typeof carrier?.['name']).toBe('string');
    expect(drivers.totalCount).toBeGreaterThan(0);

    expect(await app.locator('#carrier-name').textContent()).toBe(carrier?.['name']);
    expect(await app.locator('#drivers').textContent()).toBe(new Intl.NumberFormat('en-US').format(drivers.totalCount));
    expect(await app.locator('#error').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
