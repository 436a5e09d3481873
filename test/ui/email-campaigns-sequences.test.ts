/**
 * The built `email-campaigns` app's sequence views in headless Chromium under the scripted page:
 * the builder (validation, "Start from template" with the §2.3 flow, moving / removing / adding
 * steps, the `createEmailSequence` arguments), the sequence's analytics (labelled funnel chart,
 * step table, exits, enrolled drivers), enrolling by filter and by selected drivers, pause / activate.
 */
import fs from 'node:fs';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { EMAIL_CAMPAIGN_ACTIONS } from '../../src/public/messaging';
import { appHtml, serveFixturePage } from './fixture-page';
import { emailAnswers, sequenceTemplate } from './email-fixtures';

const CHROMIUM = '/usr/bin/chromium';
const APP = appHtml('email-campaigns');
const runnable = fs.existsSync(CHROMIUM) && fs.existsSync(APP);
if (!runnable) console.warn(`Skipping the email sequences view test: needs ${CHROMIUM} and a build (${APP}).`);
const describeBrowser = runnable ? describe : describe.skip;

interface Call {
  action: string;
  args: unknown[];
}

const callsOf = (page: Page): Promise<Call[]> => page.evaluate(() => (window as unknown as { calls: Call[] }).calls);
const waitForCall = (page: Page, action: string, n = 1): Promise<unknown> =>
  page.waitForFunction(([a, count]) => (window as unknown as { calls: Call[] }).calls.filter((c) => c.action === a).length >= Number(count), [action, n] as const);
const stepTypes = (app: FrameLocator): Promise<(string | null)[]> => app.locator('#step-list [data-step-key]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-step-type')));
const stepTitles = (app: FrameLocator): Promise<string[]> => app.locator('#step-list .step-title').allTextContents();

describeBrowser('email-campaigns iframe app: sequences', () => {
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

  it('builds a sequence from the §2.3 template, reorders, removes and adds steps, and activates it', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const app = page.frameLocator('#app');
    await app.locator('nav [data-view="sequences"]').click({ timeout: 15_000 });
    await app.locator('[data-sequence-id="seq-1"] [data-stat="conversion-rate"]').waitFor();
    expect(await app.locator('[data-sequence-id="seq-1"] [data-stat="conversion-rate"]').textContent()).toBe('20.0%');

    await app.locator('#new-sequence').click();
    await app.locator('#activate-sequence').click();
    expect(await app.locator('#sequence-errors').textContent()).toContain('Add at least one step.');
    expect(await app.locator('#sequence-errors').textContent()).toContain('Give the sequence a name.');

    await app.locator('#start-from-template').click();
    await app.locator(`[data-use-template="${sequenceTemplate.templateId}"]`).click();
    expect(await stepTypes(app)).toEqual(['sms', 'email', 'sms', 'email']);
    expect(await stepTitles(app)).toEqual(['STEP 1 - Immediately', 'STEP 2 - Wait 1 day', 'STEP 3 - Wait 2 days', 'STEP 4 - Wait 2 days']);
    expect(await app.locator('#step-list .step-head .muted').allTextContents()).toEqual(['Day 0', 'Day 1', 'Day 3', 'Day 5']);
    expect(await app.locator('#sequence-name').inputValue()).toBe(sequenceTemplate.name);
    expect(await app.locator('#exit-conditions input[value="replied"]').isChecked()).toBe(true);
    expect(await app.locator('#exit-conditions input[value="inactive"]').isChecked()).toBe(false);
    expect(await app.locator('#template-choices').isHidden()).toBe(true);

    await app.locator('#sequence-name').fill('Dallas applicants follow-up');
    await app.locator('[aria-label="Move step 3 up"]').click();
    expect(await stepTypes(app)).toEqual(['sms', 'sms', 'email', 'email']);
    expect(await app.locator('[aria-label="Move step 1 up"]').isDisabled()).toBe(true);
    await app.locator('[aria-label="Remove step 4"]').click();
    expect(await stepTypes(app)).toEqual(['sms', 'sms', 'email']);
    await app.locator('[data-add-step="wait"]').click();
    await app.locator('[data-add-step="sms"]').click();
    expect(await stepTypes(app)).toEqual(['sms', 'sms', 'email', 'wait', 'sms']);
    await app.locator('#activate-sequence').click();
    expect(await app.locator('[data-step-errors]:not([hidden])').textContent()).toBe('Write the text message.');
    await app.locator('[aria-label="Text message of step 5"]').fill('Last try, {{firstName}}: reply YES. ');
    await app.locator('[aria-label="Insert a variable into step 5"] [data-variable="optOutText"]').click();
    await app.locator('[aria-label="Delay of step 4 in hours"]').fill('6');
    expect((await stepTitles(app))[3]).toBe('STEP 4 - Wait 1 day 6 hours');
    await app.locator('#exit-conditions input[value="inactive"]').check();
    await app.locator('#activate-sequence').click();
    await waitForCall(page, 'createEmailSequence');

    const create = (await callsOf(page)).find((c) => c.action === 'createEmailSequence');
    expect(create?.args[0]).toBe('1234567');
    const data = create?.args[1] as { steps: { step_number: number; step_type: string; delay_days: number; delay_hours: number; message_template?: string }[]; [k: string]: unknown };
    expect(data).toMatchObject({ name: 'Dallas applicants follow-up', templateId: sequenceTemplate.templateId, triggerType: 'manual', status: 'active', completionTag: 'cold', inactiveAfterDays: 30 });
    expect(data.steps.map((s) => [s.step_number, s.step_type, s.delay_days, s.delay_hours])).toEqual([
      [1, 'sms', 0, 0],
      [2, 'sms', 2, 0],
      [3, 'email', 1, 0],
      [4, 'wait', 1, 6],
      [5, 'sms', 0, 0],
    ]);
    expect(data.steps[4]?.message_template).toBe('Last try, {{firstName}}: reply YES. {{optOutText}}');
    expect(data['exitConditions']).toContainEqual({ type: 'inactive', enabled: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a sequence funnel by step with its numbers, enrolls by filter and by selected drivers, pauses and activates', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const app = page.frameLocator('#app');
    await app.locator('nav [data-view="sequences"]').click({ timeout: 15_000 });
    await app.locator('[data-sequence-id="seq-1"] button:has-text("Open")').click();
    await app.locator('[data-step-row="1"]').waitFor();
    expect(await app.locator('#sequence-funnel-chart').getAttribute('aria-label')).toBe('Sequence funnel by step: Enrolled 40, 1 · SMS 40, 2 · Email 30, 3 · SMS 20, 4 · Email 12, Converted 8');
    expect(await app.locator('#sequence-funnel-chart').getAttribute('role')).toBe('img');
    expect(await app.locator('#sequence-stats [data-stat="conversion-rate"]').textContent()).toBe('20.0%');
    expect(await app.locator('[data-step-row="2"] [data-cell="outcome"]').textContent()).toBe('29 sent · 12 opened · 4 clicked');
    expect(await app.locator('#exit-reasons [data-reason="replied"]').textContent()).toBe('6 Driver replies to any message');
    await app.locator('[data-enrollment-id="seq-1.d-1"]').waitFor();
    expect(await app.locator('[data-enrollment-id="seq-1.d-1"] .history li').allTextContents()).toEqual([expect.stringMatching(/^1 SMS sent · /), expect.stringMatching(/^2 email sent · /)]);
    expect(await app.locator('[data-enrollment-id="seq-1.d-1"] [data-exit-reason]').textContent()).toContain('replied');

    await app.locator('#enroll-button').click();
    await app.locator('#enroll-estimate-count').waitFor();
    expect(await app.locator('#enroll-estimate-count').textContent()).toBe('964');
    await app.locator('#enroll-dialog input[name="cdl"][value="A"]').check();
    await app.locator('#enroll-submit').click();
    await waitForCall(page, 'enrollDriversInSequence');
    await app.locator('#enroll-dialog').waitFor({ state: 'detached' });
    await app.locator('#enroll-button').click();
    await app.locator('#enroll-dialog input[name="enrollMode"][value="drivers"]').check();
    await app.locator('#enroll-driver-ids').fill('d-7\nd-8, d-7');
    await app.locator('#enroll-submit').click();
    await waitForCall(page, 'enrollDriversInSequence', 2);
    const enrolls = (await callsOf(page)).filter((c) => c.action === 'enrollDriversInSequence').map((c) => c.args);
    expect(enrolls).toEqual([
      ['seq-1', { audienceFilter: { cdl_classes: ['A'], has_consent_for: 'sms' } }],
      ['seq-1', { driverIds: ['d-7', 'd-8'] }],
    ]);
    expect((await callsOf(page)).find((c) => c.action === 'estimateSMSAudience')?.args).toEqual(['1234567', { has_consent_for: 'sms' }, '']);

    await app.locator('#toggle-sequence').click();
    await waitForCall(page, 'pauseEmailSequence');
    await app.locator('nav [data-view="sequences"]').click();
    await app.locator('[data-toggle="seq-2"]').click();
    await waitForCall(page, 'updateEmailSequence');
    const later = await callsOf(page);
    expect(later.find((c) => c.action === 'pauseEmailSequence')?.args).toEqual(['seq-1']);
    expect(later.find((c) => c.action === 'updateEmailSequence')?.args).toEqual(['seq-2', { status: 'active' }]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
