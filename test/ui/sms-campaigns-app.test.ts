/**
 * The built `sms-campaigns` iframe app in headless Chromium under a scripted stand-in page (see
 * fixture-page.ts): it renders the answers it gets and asks for what the builder's form says.
 * The end-to-end test against the real host is test/e2e/sms-campaigns.test.ts.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { SMS_CAMPAIGN_ACTIONS } from '../../src/public/messaging';
import { APP_HTML, serveFixturePage } from './fixture-page';
import { answers } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const runnable = fs.existsSync(CHROMIUM) && fs.existsSync(APP_HTML);
if (!runnable) console.warn(`Skipping the SMS app view test: needs ${CHROMIUM} and a build (${APP_HTML}).`);
const describeBrowser = runnable ? describe : describe.skip;

interface Call {
  action: string;
  args: unknown[];
}

describeBrowser('sms-campaigns iframe app against a scripted page', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveFixturePage>>;

  beforeAll(async () => {
    server = await serveFixturePage(answers, SMS_CAMPAIGN_ACTIONS);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists campaigns by tab, builds a campaign, shows analytics with charts and the inbox', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const app = page.frameLocator('#app');

    await app.locator('[data-campaign-id="c-active"]').waitFor({ timeout: 15_000 });
    expect(await app.locator('[data-campaign-id="c-active"] [data-stat="delivered"]').textContent()).toBe('97.8%');
    await app.locator('#tab-completed').click();
    expect(await app.locator('[data-campaign-id="c-done"]').count()).toBe(1);

    await app.locator('#new-campaign').click();
    await app.locator('#campaign-name').fill('Dallas OTR');
    await app.locator('#message-A').fill('Hi ’ ');
    await app.locator('[data-variable="firstName"]').click();
    expect(await app.locator('#message-A').inputValue()).toBe('Hi ’ {{firstName}}');
    expect(await app.locator('#message-A-counter').textContent()).toContain('UCS-2');
    expect(await app.locator('.composer-backdrop mark').first().textContent()).toBe('’');
    expect(await app.locator('[data-role="preview"]').first().textContent()).toBe('Hi ’ Marcus');
    await app.locator('input[name="cdl"][value="A"]').check();
    await app.locator('#estimate-count').waitFor();
    expect(await app.locator('#estimate-count').textContent()).toBe('1,247');
    await app.locator('#send-button').click();
    await app.locator('#error-name:not([hidden])').waitFor();
    expect(await app.locator('#error-name').textContent()).toContain('<=200 characters');

    const calls = await page.evaluate(() => (window as unknown as { calls: Call[] }).calls);
    const create = calls.find((c) => c.action === 'createSMSCampaign');
    expect(create?.args[0]).toBe('1234567');
    expect(create?.args[1]).toMatchObject({ name: 'Dallas OTR', messageTemplate: 'Hi ’ {{firstName}}', audienceFilter: { cdl_classes: ['A'], has_consent_for: 'sms' } });

    await app.locator('nav [data-view="list"]').click();
    await app.locator('[data-campaign-id="c-active"] button:has-text("Open")').click();
    await app.locator('#ab-results:not([hidden])').waitFor();
    expect(await app.locator('#progress-text').textContent()).toContain('818 of 1,247');
    expect(await app.locator('#funnel-chart').getAttribute('aria-label')).toBe('Delivery funnel: Audience 1,247, Sent 812, Delivered 794, Replied 61, Opted out 9');
    expect(await app.locator('#funnel-chart').evaluate((c: HTMLCanvasElement) => c.width > 0)).toBe(true);
    expect(await app.locator('#reply-feed .reply.opted-out').count()).toBe(1);

    await app.locator('nav [data-view="inbox"]').click();
    await app.locator('[data-message-id="m-1"]').waitFor();
    expect(await app.locator('[data-message-id="m-1"] .phone').textContent()).toBe('(•••) •••-0143');
    await app.locator('[data-message-id="m-1"] textarea').fill('Home weekly. Call me?');
    await app.locator('[data-message-id="m-1"] button:has-text("Send")').click();
    await app.locator('[data-message-id="m-1"] button:has-text("Mark handled")').click();
    await page.waitForFunction(() => (window as unknown as { calls: Call[] }).calls.some((c) => c.action === 'setReplyState'));
    const later = await page.evaluate(() => (window as unknown as { calls: Call[] }).calls);
    expect(later.find((c) => c.action === 'replyToDriver')?.args).toEqual(['m-1', 'Home weekly. Call me?']);
    expect(later.find((c) => c.action === 'setReplyState')?.args).toEqual(['m-1', 'handled']);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
