/**
 * End to end: the email campaigns page's drip sequences on the local host (child process, fresh
 * data dir, 200 drivers, the clock starting on a weekday afternoon) in headless Chromium. A
 * recruiter creates a sequence from the §2.3 SMS + email template, activates it and enrolls two
 * drivers; fast-forwarding the host clock runs the step job: the Day 0 SMS (real `twilio` SDK →
 * Twilio simulator) and then the Day 1 email (real `@sendgrid/mail` → SendGrid simulator) appear
 * in the page; a reply texted from the simulator's handset API ends that driver's enrollment.
 * Then an email campaign is built (live preview and estimate), sent and seen delivered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { getData, hasChromium, launchChromium, startHostProcess, stopHostProcess, type HostProcess } from './support';

const RECRUITER_ID = 'member-recruiter-1';
if (!hasChromium) console.warn('Skipping the email sequences browser test: missing Chromium (apt-get install -y chromium).');
const describeBrowser = hasChromium ? describe : describe.skip;

/** A weekday afternoon in every US zone, so SMS quiet hours hold nobody. */
const CLOCK_START = '2026-01-21T19:00:00Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Moves the host clock forward; every job occurrence due on the way runs, in order. */
async function fastForward(base: string, ms: number): Promise<string> {
  const res = await fetch(`${base}/_local/api/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
  if (res.status !== 200) throw new Error(`clock control answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { now: string }).now;
}

/** A console of the host's home page (the simulators run on their own ports). */
async function consoleUrl(base: string, pattern: RegExp, what: string): Promise<string> {
  const home = await (await fetch(`${base}/`)).text();
  const href = pattern.exec(home)?.[1];
  if (!href) throw new Error(`the home page links no ${what} console`);
  return new URL(href, base).toString();
}

async function cell(app: FrameLocator, position: number, name: string): Promise<number> {
  const text = await app.locator(`[data-step-row="${position}"] [data-cell="${name}"]`).textContent({ timeout: 2000 }).catch(() => '');
  return Number((text ?? '').replace(/\D/g, '') || '0');
}

async function stat(app: FrameLocator, key: string): Promise<number> {
  const text = await app.locator(`#sequence-stats [data-stat="${key}"]`).textContent({ timeout: 2000 }).catch(() => '');
  return Number((text ?? '').replace(/[^\d.]/g, '') || '0');
}

async function screenshotOnFailure<T>(page: Page, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    await page.screenshot({ path: path.join(os.tmpdir(), 'email-sequences-e2e-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  }
}

describeBrowser('email sequences end to end in headless Chromium', () => {
  let host: HostProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-seq-e2e-'));
    // No automatic handset replies: the only reply is the one this test sends.
    host = await startHostProcess(dataDir, { CLOCK_START, TWILIO_SIM_REPLY_SHARE: '0' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopHostProcess(host);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a sequence from the §2.3 template, enrolls drivers, and shows the SMS, then the email, then a reply that ends the enrollment', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${host.base}/_local/signin?returnTo=/recruiter-email`);
    await page.click(`button[data-member-id="${RECRUITER_ID}"]`);
    await page.waitForURL(`${host.base}/recruiter-email`);
    const app = page.frameLocator('iframe[data-wix-id="emailCampaignsApp"]');

    await screenshotOnFailure(page, async () => {
      // The sequence, from the template, activated.
      await app.locator('nav [data-view="sequences"]').click({ timeout: 30_000 });
      await app.locator('#new-sequence').click();
      await app.locator('#start-from-template').click();
      await app.locator('[data-use-template="sms-email-4-step"]').click({ timeout: 30_000 });
      expect(await app.locator('#step-list [data-step-key]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-step-type')))).toEqual(['sms', 'email', 'sms', 'email']);
      const name = `E2E follow-up ${Date.now()}`;
      await app.locator('#sequence-name').fill(name);
      await app.locator('#activate-sequence').click();
      await app.locator('#sequence-title').waitFor({ timeout: 30_000 });
      expect(await app.locator('#sequence-title').textContent()).toBe(name);
      const sequence = (await getData(host.base, 'EmailSequences', { eq: [`sequence_name:${name}`] })).items[0];
      expect(sequence).toMatchObject({ status: 'active', template_id: 'sms-email-4-step', completion_tag: 'cold' });

      // Two drivers of the recruiter's carrier reachable by text and email, with consent to both.
      const granted = (consent: unknown): boolean => typeof consent === 'object' && consent !== null && (consent as { granted?: unknown }).granted === true;
      const drivers = (await getData(host.base, 'DriverProfiles', { eq: [`carrier_dot:${String(sequence?.['carrier_dot'])}`], limit: 200 })).items.filter(
        (d) =>
          d['sms_reachable'] === 1 &&
          d['email_reachable'] === 1 &&
          granted(d['sms_consent']) &&
          granted(d['email_consent']) &&
          (d['status'] === 'job_seeking' || d['status'] === 'open_to_offers') &&
          typeof d['phone'] === 'string' &&
          !String(d['phone']).startsWith('+1500555'),
      );
      expect(drivers.length).toBeGreaterThanOrEqual(2);
      const [replier, quiet] = drivers;
      const ids = [String(replier?.['_id']), String(quiet?.['_id'])];

      await app.locator('#enroll-button').click();
      await until(async () => Number(((await app.locator('#enroll-estimate-count').textContent().catch(() => '')) ?? '').replace(/\D/g, '')) > 0, 30_000, 'a live count of matching drivers');
      await app.locator('#enroll-dialog input[name="enrollMode"][value="drivers"]').check();
      await app.locator('#enroll-driver-ids').fill(ids.join('\n'));
      await app.locator('#enroll-submit').click();
      await app.locator('#enroll-dialog').waitFor({ state: 'detached', timeout: 30_000 });
      await until(async () => (await stat(app, 'enrolled')) === 2, 30_000, 'two enrollments in the page');

      // Day 0: the step job's next run sends the SMS introduction.
      await fastForward(host.base, 15 * MINUTE);
      await until(async () => (await cell(app, 1, 'sent')) === 2, 90_000, 'the Day 0 SMS of both drivers in the page');
      expect(await cell(app, 2, 'sent')).toBe(0);
      const twilio = await consoleUrl(host.base, /href="([^"]*\/_sim\/twilio\/)"/, 'Twilio simulator');
      const handset = (await (await fetch(`${twilio}api/handset/${encodeURIComponent(String(replier?.['phone']))}`)).json()) as { messages: { body?: string }[] };
      expect(handset.messages.some((m) => /Reply YES for details/.test(m.body ?? ''))).toBe(true);

      // Day 1: the email with the job details (nobody replied yet).
      await fastForward(host.base, 25 * HOUR);
      await until(async () => (await cell(app, 2, 'sent')) === 2, 120_000, 'the Day 1 email of both drivers in the page');
      const emails = (await getData(host.base, 'EmailMessages', { eq: [`sequence_id:${String(sequence?.['_id'])}`] })).items;
      expect(emails.map((m) => String(m['subject']))).toEqual(expect.arrayContaining([expect.stringMatching(/^Opportunity at /)]));

      // The reply: texted from the driver's handset; the sequence's "replied" exit ends the enrollment.
      const reply = await fetch(`${twilio}api/handset/${encodeURIComponent(String(replier?.['phone']))}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'YES - what are the home time options?' }) });
      expect(reply.status).toBe(200);
      await until(async () => (await app.locator('#exit-reasons [data-reason="replied"]').count()) === 1, 90_000, 'the reply ending the enrollment in the page');
      expect(await app.locator('#exit-reasons [data-reason="replied"]').textContent()).toBe('1 Driver replies to any message');
      await until(async () => (await stat(app, 'converted')) === 1 && (await stat(app, 'active')) === 1, 30_000, 'the conversion and one driver still in the sequence');
      if ((await app.locator('#enrollment-table').count()) > 0) {
        await until(async () => (await app.locator(`[data-enrollment-id$=".${ids[0] ?? ''}"] [data-exit-reason="replied"]`).count()) === 1, 30_000, 'the replier leaving in the enrollment list');
      }
      const enrollments = (await getData(host.base, 'EmailSequenceEnrollments', { eq: [`sequence_id:${String(sequence?.['_id'])}`] })).items;
      const byDriver = new Map(enrollments.map((e) => [String(e['driver_id']), e]));
      expect(byDriver.get(ids[0] ?? '')).toMatchObject({ status: 'exited', exit_reason: 'replied' });
      expect(byDriver.get(ids[1] ?? '')).toMatchObject({ status: 'active' });
    });
    expect(errors).toEqual([]);
    await context.close();
  }, 420_000);

  it('builds an email campaign with a live preview and estimate, sends it, and shows its delivery funnel', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${host.base}/_local/signin?returnTo=/recruiter-email`);
    await page.click(`button[data-member-id="${RECRUITER_ID}"]`);
    await page.waitForURL(`${host.base}/recruiter-email`);
    const app = page.frameLocator('iframe[data-wix-id="emailCampaignsApp"]');

    await screenshotOnFailure(page, async () => {
      await app.locator('#new-campaign').click({ timeout: 30_000 });
      const name = `E2E email ${Date.now()}`;
      await app.locator('#campaign-name').fill(name);
      await app.locator('#subject-line').fill('Now hiring at {{carrierName}}, ');
      await app.locator('[aria-label="Insert a variable into the subject"] [data-variable="firstName"]').click();
      await app.locator('#email-preview-inbox .subject:has-text("Now hiring at Lone Star Freight, Marcus")').waitFor({ timeout: 10_000 });
      await app.locator('input[name="cdl"][value="A"]').check();
      await app.locator('input[name="states"]').fill('TX');
      await app.locator('input[name="windowOn"]').uncheck();
      await until(async () => Number(((await app.locator('#estimate-count').textContent().catch(() => '')) ?? '').replace(/\D/g, '')) > 0, 30_000, 'a live email audience estimate');
      await app.locator('#send-button').click();
      await app.locator('#confirm-send').waitFor({ timeout: 30_000 });
      const audience = Number(((await app.locator('#confirm-count').textContent()) ?? '').replace(/\D/g, ''));
      expect(audience).toBeGreaterThan(0);
      await app.locator('#confirm-yes').click();
      await app.locator('#campaign-title').waitFor({ timeout: 30_000 });
      expect(await app.locator('#campaign-title').textContent()).toBe(name);
      await until(async () => Number(((await app.locator('#detail-stats [data-stat="delivered"]').textContent().catch(() => '')) ?? '').replace(/\D/g, '')) > 0, 90_000, 'deliveries in the page');
      const label = (await app.locator('#funnel-chart').getAttribute('aria-label')) ?? '';
      expect(label).toMatch(/^Delivery funnel: Sent \d+, Delivered [1-9]\d*, Opened \d+, Clicked \d+, Bounced \d+, Unsubscribed \d+$/);
      const campaign = (await getData(host.base, 'EmailCampaigns', { eq: [`campaign_name:${name}`] })).items[0];
      expect(campaign).toMatchObject({ subject_line: 'Now hiring at {{carrierName}}, {{firstName}}', audience_filter: { cdl_classes: ['A'], states: ['TX'], has_consent_for: 'email' } });
    });
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
