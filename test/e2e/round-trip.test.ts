/**
 * End to end: `local/host/main.ts` in a child process (fresh data dir, 200 drivers), the dashboard
 * page in headless Chromium. The iframe app asks the page code, the page code calls the web method
 * over the RPC, the web method reads the store, and the answer is rendered back inside the iframe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { z } from 'zod';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '..', '..');
const RECRUITER_ID = 'member-recruiter-1';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`Skipping the browser round trip: ${CHROMIUM} is missing (install it with: apt-get install -y chromium).`);
}
const describeBrowser = hasChromium ? describe : describe.skip;

const DataPage = z.object({ totalCount: z.number(), items: z.array(z.record(z.string(), z.unknown())) });

async function startHostProcess(dataDir: string): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'local', 'host', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED_DRIVERS: '200', WIX_STRICT: '', CLOCK_SPEED: '1' },
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
  return { child, base, output: () => output };
}

/** Signs in as the site admin the way the sign-in form does and returns the session cookie. */
async function adminCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/_local/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ memberId: 'member-admin', returnTo: '/' }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('sign-in set no cookie');
  return cookie.split(';')[0] ?? '';
}

async function getData(base: string, collection: string, ...eq: string[]): Promise<z.infer<typeof DataPage>> {
  const query = eq.map((e) => `&eq=${encodeURIComponent(e)}`).join('');
  const url = `${base}/_local/api/data/${collection}?limit=10${query}`;
  expect((await fetch(url)).status).toBe(403);
  const res = await fetch(url, { headers: { cookie: await adminCookie(base) } });
  return DataPage.parse(await res.json());
}

describeBrowser('page-code round trip in headless Chromium', () => {
  let host: Awaited<ReturnType<typeof startHostProcess>>;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-e2e-'));
    host = await startHostProcess(dataDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
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
