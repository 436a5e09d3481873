/**
 * The built `email-campaigns` iframe app in headless Chromium under a scripted stand-in page
 * (fixture-page.ts): campaign list and stats, the builder (validation, variable picker, subject
 * variants, the arguments it sends), the sandboxed preview, and the analytics with labelled charts
 * and the paged recipient table. Sequences: email-campaigns-sequences.test.ts.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EMAIL_CAMPAIGN_ACTIONS } from '../../src/public/messaging';
import { appHtml, serveFixturePage } from './fixture-page';
import { emailAnswers } from './email-fixtures';

const CHROMIUM = '/usr/bin/chromium';
const APP = appHtml('email-campaigns');
const runnable = fs.existsSync(CHROMIUM) && fs.existsSync(APP);
if (!runnable) console.warn(`Skipping the email app view test: needs ${CHROMIUM} and a build (${APP}).`);
const describeBrowser = runnable ? describe : describe.skip;

interface Call {
  action: string;
  args: unknown[];
}

const callsOf = (page: Page): Promise<Call[]> => page.evaluate(() => (window as unknown as { calls: Call[] }).calls);

describeBrowser('email-campaigns iframe app: campaigns', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveFixturePage>>;

  beforeAll(async () => {
    server = await serveFixturePage(emailAnswers, EMAIL_CAMPAIGN_ACTIONS, 'email-campaigns');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists campaigns by tab and builds a campaign: validation, picker, variants, the arguments it sends', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const app = page.frameLocator('#app');

    await app.locator('[data-campaign-id="e-active"]').waitFor({ timeout: 15_000 });
    expect(await app.locator('#carrier-name').textContent()).toBe('Lone Star Freight · Email');
    expect(await app.locator('[data-campaign-id="e-active"] [data-stat="opened"]').textContent()).toBe('30.0%');
    expect(await app.locator('#tab-active .count').textContent()).toBe('1');
    await app.locator('#tab-drafts').click();
    expect(await app.locator('[data-campaign-id="e-draft"]').count()).toBe(1);

    await app.locator('#new-campaign').click();
    await app.locator('#send-button').click();
    expect(await app.locator('#error-name').textContent()).toBe('Give the campaign a name.');
    expect(await app.locator('#error-subject').textContent()).toBe('Write the subject line.');
    expect((await callsOf(page)).some((c) => c.action === 'createEmailCampaign')).toBe(false);

    await app.locator('#campaign-name').fill('Dallas OTR email');
    await app.locator('#from-email').fill('not-an-address');
    await app.locator('#subject-line').fill('Opportunity for ');
    await app.locator('[aria-label="Insert a variable into the subject"] [data-variable="firstName"]').click();
    expect(await app.locator('#subject-line').inputValue()).toBe('Opportunity for {{firstName}}');
    await app.locator('#add-subject-variant').click();
    await app.locator('#subject-variant-B').fill('{{firstName}}, home weekly');
    await app.locator('#send-button').click();
    expect(await app.locator('#error-from').textContent()).toBe('The From address is not an email address.');
    await app.locator('#from-email').fill('');
    await app.locator('input[name="cdl"][value="A"]').check();
    await page.waitForFunction(() => (window as unknown as { calls: Call[] }).calls.some((c) => c.action === 'estimateEmailAudience' && JSON.stringify(c.args[1]).includes('cdl_classes')));
    await app.locator('#estimate-count').waitFor();
    expect(await app.locator('#estimate-count').textContent()).toBe('1,187');
    await app.locator('#track-clicks').uncheck();
    await app.locator('#send-button').click();
    await app.locator('#error-subject:not([hidden])').waitFor();
    expect(await app.locator('#error-subject').textContent()).toContain('Unknown template variable in the subject');

    const calls = await callsOf(page);
    const create = calls.find((c) => c.action === 'createEmailCampaign');
    expect(create?.args[0]).toBe('1234567');
    expect(create?.args[1]).toMatchObject({
      name: 'Dallas OTR email',
      subjectLine: 'Opportunity for {{firstName}}',
      subjectVariants: ['{{firstName}}, home weekly'],
      audienceFilter: { cdl_classes: ['A'], has_consent_for: 'email' },
      tracking: { opens: true, clicks: false },
      templateId: null,
      scheduleType: 'immediate',
    });
    expect(String((create?.args[1] as { htmlContent?: string }).htmlContent)).toContain('{{firstName}}');
    const estimates = calls.filter((c) => c.action === 'estimateEmailAudience').map((c) => c.args[1]);
    expect(estimates[0]).toEqual({ has_consent_for: 'email' });
    expect(estimates[estimates.length - 1]).toEqual({ cdl_classes: ['A'], has_consent_for: 'email' });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('previews recruiter HTML only inside a sandboxed frame that runs no script, at desktop and mobile widths', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const app = page.frameLocator('#app');
    await app.locator('#new-campaign').click({ timeout: 15_000 });
    const hostile = '<h2 id="evil">Hi {{firstName}}</h2><script>parent.document.body.dataset.pwned = "yes"; parent.postMessage({protocol:"recruiter-outreach/1",type:"call",id:"x",action:"sendEmailCampaign",args:["e-active"]}, "*")</script><img src="x" onerror="parent.document.body.dataset.pwned = \'img\'">';
    await app.locator('#html-editor').fill(hostile);
    await app.locator('#subject-line').fill('Hello {{firstName}}');
    const frame = app.locator('#email-preview-frame');
    await page.waitForFunction(() => true);
    await app.locator('#email-preview-inbox .subject:has-text("Hello Marcus")').waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toContain("Content-Security-Policy");
    expect(srcdoc).toContain('<h2 id="evil">Hi Marcus</h2>');
    expect(await app.locator('#evil').count()).toBe(0);
    const preview = app.frameLocator('#email-preview-frame');
    expect(await preview.locator('#evil').textContent()).toBe('Hi Marcus');
    await page.waitForTimeout(300);
    const appBody = await app.locator('body').getAttribute('data-pwned');
    expect(appBody).toBeNull();
    expect((await callsOf(page)).some((c) => c.action === 'sendEmailCampaign')).toBe(false);

    const width = async (): Promise<number> => frame.evaluate((f: HTMLIFrameElement) => f.getBoundingClientRect().width);
    const desktop = await width();
    await app.locator('[data-preview-width="mobile"]').click();
    expect(await app.locator('[data-preview-width="mobile"]').getAttribute('aria-pressed')).toBe('true');
    const mobile = await width();
    expect(mobile).toBeLessThanOrEqual(375);
    expect(mobile).toBeLessThan(desktop);

    await app.locator('input[name="contentMode"][value="template"]').check();
    await app.locator('#template-id').waitFor();
    expect(await app.locator('#html-editor').isHidden()).toBe(true);
    await app.locator('#template-id').fill('welcome-email');
    await app.locator('#campaign-name').fill('Template campaign');
    await app.locator('#draft-button').click();
    expect(await app.locator('#error-content').textContent()).toContain('d- followed by 32 hex digits');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows analytics: funnel and timeline charts with their numbers, the subject test, paged recipients', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1600 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const app = page.frameLocator('#app');
    await app.locator('[data-campaign-id="e-active"] button:has-text("Open")').click({ timeout: 15_000 });
    await app.locator('#ab-results:not([hidden])').waitFor();
    expect(await app.locator('#funnel-chart').getAttribute('aria-label')).toBe('Delivery funnel: Sent 800, Delivered 780, Opened 240, Clicked 60, Bounced 12, Unsubscribed 5');
    expect(await app.locator('#funnel-chart').getAttribute('role')).toBe('img');
    expect(await app.locator('#funnel-chart').evaluate((c: HTMLCanvasElement) => c.width > 0)).toBe(true);
    const timeline = (await app.locator('#timeline-chart').getAttribute('aria-label')) ?? '';
    expect(timeline).toMatch(/^Opens and clicks over time: .+ Opens 120 Clicks 30, .+ Opens 80 Clicks 20, .+ Opens 40 Clicks 10$/);
    expect(await app.locator('#detail-stats [data-stat="opened"]').textContent()).toBe('240');
    expect(await app.locator('#ab-results tbody tr').count()).toBe(2);

    await app.locator('#recipients-table tbody tr[data-message-id]').first().waitFor();
    expect(await app.locator('#recipients-table tbody tr[data-message-id]').count()).toBe(25);
    expect(await app.locator('#recipients-page').textContent()).toBe('1–25 of 780');
    expect(await app.locator('[data-message-id="m-3"]').textContent()).toContain('550 5.1.1');
    await app.locator('#recipients-next').click();
    await app.locator('#recipients-page:has-text("26–50 of 780")').waitFor();
    await app.locator('#recipients-status').selectOption('bounced');
    await page.waitForFunction(() => (window as unknown as { calls: Call[] }).calls.filter((c) => c.action === 'getEmailCampaignRecipients').length >= 3);
    const asked = (await callsOf(page)).filter((c) => c.action === 'getEmailCampaignRecipients').map((c) => c.args[1]);
    expect(asked.slice(0, 3)).toEqual([{ limit: 25, offset: 0 }, { limit: 25, offset: 25 }, { limit: 25, offset: 0, status: 'bounced' }]);

    await app.locator('#pause-button').click();
    await page.waitForFunction(() => (window as unknown as { calls: Call[] }).calls.some((c) => c.action === 'pauseEmailCampaign'));
    expect((await callsOf(page)).find((c) => c.action === 'pauseEmailCampaign')?.args).toEqual(['e-active']);

    // Selected recipients into a sequence: pick rows, choose the sequence, confirm.
    await app.locator('#recipients-status').selectOption('all');
    await app.locator('[data-message-id="m-0"] input[data-driver-id]').waitFor();
    await app.locator('[data-message-id="m-0"] input[data-driver-id]').check();
    await app.locator('[data-message-id="m-1"] input[data-driver-id]').check();
    expect(await app.locator('#enroll-selected').textContent()).toBe('Enroll 2 selected in a sequence…');
    await app.locator('#enroll-selected').click();
    await app.locator('[data-choose-sequence="seq-1"]').click();
    expect(await app.locator('#enroll-driver-ids').inputValue()).toBe('d-0\nd-1');
    await app.locator('#enroll-submit').click();
    await page.waitForFunction(() => (window as unknown as { calls: Call[] }).calls.some((c) => c.action === 'enrollDriversInSequence'));
    expect((await callsOf(page)).find((c) => c.action === 'enrollDriversInSequence')?.args).toEqual(['seq-1', { driverIds: ['d-0', 'd-1'] }]);
    await app.locator('#sequence-title').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
