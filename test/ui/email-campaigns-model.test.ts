/**
 * View logic of the email app and its protocol: builder form → campaignData (accepted by the
 * protocol's schema and by the backend's own input schema), local checks, backend errors → fields,
 * sequence steps (template start, reordering, numbering, problems), the preview document, and the
 * page bridge refusing calls whose arguments don't match their schema.
 */
import { EmailCampaignInput } from '../../src/backend/email/campaigns';
import { SequenceInput } from '../../src/backend/sequences/definition';
import { EMAIL_CAMPAIGN_ACTIONS, EMAIL_CAMPAIGN_CALLS, bridgeHtmlComponent, PROTOCOL, type PageToIframe } from '../../src/public/messaging';
import { EMPTY_AUDIENCE, audienceFilterOf, audienceFormOf } from '../../src/public/apps/shared/audienceModel';
import { driverIdsOf, firstChannel } from '../../src/public/apps/email-campaigns/enroll';
import { emailCampaignDataOf, emailFieldErrorsOf, emailLocalProblems, tabOf, type EmailDraft } from '../../src/public/apps/email-campaigns/model';
import { STARTER_HTML } from '../../src/public/apps/email-campaigns/content';
import { progressLine } from '../../src/public/apps/email-campaigns/detail';
import { jobVariablesWithoutDefault, PREVIEW_CSP, previewDocument, renderForSample } from '../../src/public/apps/email-campaigns/preview';
import { engagementOf, pageLabel } from '../../src/public/apps/email-campaigns/recipients';
import {
  blankStep,
  dayOffsets,
  delayLabel,
  moveStep,
  sequenceDataOf,
  sequenceFormFromTemplate,
  sequenceProblems,
  stepAtFault,
} from '../../src/public/apps/email-campaigns/sequenceModel';
import { CAMPAIGN_STATUSES } from '../../src/backend/collections/vocabulary';
import { sequenceTemplate } from './email-fixtures';

const draft = (over: Partial<EmailDraft> = {}): EmailDraft => ({
  name: 'Dallas OTR',
  fromName: '',
  fromEmail: '',
  replyTo: 'sarah@lonestarfreight.example',
  subjects: ['Opportunity at {{carrierName}}', '{{firstName}}, home weekly'],
  preheader: 'Pay and home time inside',
  mode: 'html',
  templateId: '',
  unsubscribeGroupId: '',
  html: '<p>Hi {{firstName}}</p>',
  schedule: { kind: 'immediate', at: '' },
  window: { enabled: true, startHour: 9, endHour: 17, skipWeekends: true },
  tracking: { opens: true, clicks: false },
  ...over,
});

describe('email campaign builder logic', () => {
  it('puts every status under one tab', () => {
    expect(CAMPAIGN_STATUSES.map(tabOf)).toEqual(['drafts', 'scheduled', 'active', 'active', 'completed']);
  });

  it('builds campaignData that the protocol and the backend input schema both accept', () => {
    const { filter } = audienceFilterOf({ ...EMPTY_AUDIENCE, cdlClasses: ['A'], noContactDays: '14' }, 'email');
    expect(filter).toEqual({ cdl_classes: ['A'], no_email_in_last_days: 14, has_consent_for: 'email' });
    const data = emailCampaignDataOf(draft(), filter);
    expect(data).toMatchObject({
      name: 'Dallas OTR',
      subjectLine: 'Opportunity at {{carrierName}}',
      subjectVariants: ['{{firstName}}, home weekly'],
      replyTo: 'sarah@lonestarfreight.example',
      htmlContent: '<p>Hi {{firstName}}</p>',
      templateId: null,
      scheduleType: 'immediate',
      sendWindow: { start_hour: 9, end_hour: 17, timezone: 'recipient', days: [1, 2, 3, 4, 5] },
      tracking: { opens: true, clicks: false },
    });
    expect(data).not.toHaveProperty('fromEmail');
    expect(EMAIL_CAMPAIGN_CALLS.createEmailCampaign.safeParse(['1234567', data]).success).toBe(true);
    expect(EmailCampaignInput.safeParse(data).success).toBe(true);
    const template = emailCampaignDataOf(draft({ mode: 'template', templateId: `d-${'a'.repeat(32)}`, unsubscribeGroupId: '42' }), filter);
    expect(template).toMatchObject({ templateId: `d-${'a'.repeat(32)}`, htmlContent: null, unsubscribeGroupId: '42' });
    expect(EmailCampaignInput.safeParse(template).success).toBe(true);
    expect(audienceFormOf(filter, 'email')).toMatchObject({ cdlClasses: ['A'], noContactDays: '14', consentOnly: true });
  });

  it('checks the form before calling the backend', () => {
    expect(emailLocalProblems(draft({ name: ' ', subjects: [''], html: ' ', replyTo: 'nope' }), [], false)).toEqual({
      name: 'Give the campaign a name.',
      replyTo: 'The reply-to address is not an email address.',
      subject: 'Write the subject line.',
      content: 'Write the email or choose a SendGrid template.',
    });
    expect(emailLocalProblems(draft({ mode: 'template', templateId: 'welcome' }), [], false).content).toContain('d- followed by 32 hex digits');
    const past = draft({ schedule: { kind: 'scheduled', at: '2001-01-01T09:00' } });
    expect(emailLocalProblems(past, [], true).schedule).toBe('Pick a time in the future.');
    expect(emailLocalProblems(past, [], false).schedule).toBeUndefined();
    expect(emailLocalProblems(draft({ subjects: ['A', ' '] }), ['Unknown state code: XX.'], false)).toEqual({ variants: 'Every subject variant needs text (or remove it).', audience: 'Unknown state code: XX.' });
  });

  it('places backend errors next to their fields', () => {
    expect(emailFieldErrorsOf('Invalid input — argument 1.fromEmail: expected an email address; argument 1.sendWindow.end_hour: Too big')).toEqual({ fields: { from: 'expected an email address', window: 'Too big' }, general: null });
    expect(emailFieldErrorsOf("The From address must be on the carrier's sending domain (@lonestarfreight.example).").fields.from).toContain('sending domain');
    expect(emailFieldErrorsOf('Unknown template variable in the subject: firstname').fields.subject).toContain('firstname');
    expect(emailFieldErrorsOf('This campaign changed state meanwhile; reload it and try again.')).toEqual({ fields: {}, general: 'This campaign changed state meanwhile; reload it and try again.' });
  });

  it('renders the preview in a document that loads nothing and runs nothing', () => {
    const doc = previewDocument('<p>Hi Marcus</p><img src="https://tracker.example/x.gif">', 'Pay <and> home time');
    expect(doc).toContain(`<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`);
    expect(PREVIEW_CSP).toContain("default-src 'none'");
    expect(PREVIEW_CSP).not.toMatch(/script-src|https:/);
    expect(doc).toContain('Pay &lt;and&gt; home time');
    expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<p>Hi Marcus</p>'));
  });

  it('warns about job variables that would block every driver of a campaign without a job, and the starter has none', () => {
    expect(jobVariablesWithoutDefault('Hi {{firstName}}', '{{jobTitle}} at {{carrierName}} — {{payRange|great pay}} {{applyUrl}} {{homeTime}}')).toEqual(['jobTitle', 'homeTime']);
    expect(jobVariablesWithoutDefault(STARTER_HTML)).toEqual([]);
    const rendered = renderForSample({ subject: 'Now hiring: {{jobTitle}}', preheader: '', html: STARTER_HTML });
    expect(rendered.subject).toBe('Now hiring: CDL-A OTR Driver');
    expect(rendered.problems.join(' ')).toContain('{{jobTitle}} would have no value');
  });

  it('says where every email of a campaign stands', () => {
    const base = { sent: 5, delivered: 4, bounces: 0, opens: 1, clicks: 0, unsubscribes: 0 };
    expect(progressLine({ ...base, audienceCount: 12, pending: 2, held: 1, blocked: 3, failed: 1 }, 0)).toBe('5 of 12 handed to SendGrid · 3 waiting · 3 blocked (compliance, consent or missing values) · 1 refused by SendGrid');
    expect(progressLine(base, 7)).toBe('5 of 7 handed to SendGrid');
  });

  it('labels recipients and pages', () => {
    expect(engagementOf({ messageId: 'm', email: 'a@b.c', status: 'delivered', openedAt: 'x', openCount: 3 })).toBe('Opened ×3');
    expect(engagementOf({ messageId: 'm', email: 'a@b.c', status: 'bounced' })).toBe('Bounced');
    expect(pageLabel(25, 25, 780)).toBe('26–50 of 780');
    expect(pageLabel(0, 0, 0)).toBe('No recipients');
  });
});

describe('sequence builder logic', () => {
  it('starts from the §2.3 template: SMS, email, SMS, email on days 0, 1, 3, 5, and saves what the backend accepts', () => {
    const form = sequenceFormFromTemplate(sequenceTemplate);
    expect(form.steps.map((s) => s.type)).toEqual(['sms', 'email', 'sms', 'email']);
    expect(dayOffsets(form.steps)).toEqual([0, 1, 3, 5]);
    expect(form.exits).toMatchObject({ replied: true, hired: true, unsubscribed: true, inactive: false });
    const data = sequenceDataOf({ ...form, name: 'Dallas follow-up' }, 'active');
    expect(data.steps).toEqual(sequenceTemplate.steps);
    expect(data).toMatchObject({ name: 'Dallas follow-up', templateId: sequenceTemplate.templateId, triggerType: 'manual', status: 'active', completionTag: 'cold' });
    expect(EMAIL_CAMPAIGN_CALLS.createEmailSequence.safeParse(['1234567', data]).success).toBe(true);
    expect(SequenceInput.safeParse(data).success).toBe(true);
    expect(sequenceProblems(form)).toEqual({ general: [], steps: {} });
  });

  it('moves steps and numbers them by their new order', () => {
    const form = sequenceFormFromTemplate(sequenceTemplate);
    const moved = moveStep(form.steps, 2, -1);
    expect(moved.map((s) => s.type)).toEqual(['sms', 'sms', 'email', 'email']);
    expect(moveStep(form.steps, 0, -1)).toEqual(form.steps);
    expect(moveStep(form.steps, 3, 1)).toEqual(form.steps);
    const data = sequenceDataOf({ ...form, steps: moved }, 'draft');
    expect(data.steps?.map((s) => [s.step_number, s.step_type])).toEqual([
      [1, 'sms'],
      [2, 'sms'],
      [3, 'email'],
      [4, 'email'],
    ]);
    expect(data.steps?.[1]).toMatchObject({ step_type: 'sms', delay_days: 2, conditions: { if_no_reply: true } });
  });

  it('reports step problems by step and finds the step a backend error names', () => {
    const condition = { ...blankStep('condition') };
    const email = { ...blankStep('email'), subject: 'Hi' };
    const problems = sequenceProblems({ ...sequenceFormFromTemplate(sequenceTemplate), name: '', steps: [condition, email, { ...blankStep('wait'), delayDays: 0 }] });
    expect(problems.general).toEqual(['Give the sequence a name.']);
    expect(Object.keys(problems.steps)).toHaveLength(3);
    expect(problems.steps[condition.key]).toContain('A condition cannot be the first step: there is nothing to check yet.');
    expect(problems.steps[email.key]).toEqual(['Write the email or give a SendGrid template id.']);
    expect(stepAtFault('Step 3 subject: unknown template variable firstname')).toBe(2);
    expect(stepAtFault('Invalid input — argument 1.steps.1.message_template: Too small')).toBe(1);
    expect(stepAtFault('This sequence changed while you were editing it')).toBeNull();
    expect(delayLabel(2, 0)).toBe('Wait 2 days');
    expect(delayLabel(0, 0)).toBe('Immediately');
    expect(delayLabel(1, 6)).toBe('Wait 1 day 6 hours');
  });

  it('enrolls on the first message channel and reads pasted driver ids', () => {
    expect(firstChannel({ steps: sequenceTemplate.steps })).toBe('sms');
    expect(firstChannel({ steps: [sequenceTemplate.steps[1]!] })).toBe('email');
    expect(driverIdsOf('d-1\nd-2, d-3 d-1')).toEqual(['d-1', 'd-2', 'd-3']);
  });
});

describe('email page bridge', () => {
  const answers: PageToIframe[] = [];
  let deliver: (data: unknown) => void = () => undefined;
  const calls: unknown[][] = [];
  bridgeHtmlComponent(
    { postMessage: (m) => answers.push(m as PageToIframe), onMessage: (handler) => (deliver = (data) => handler({ data })) },
    'Recruiter_Email_Campaigns',
    { sendEmailCampaign: async (...args: never[]) => void calls.push(args) },
    EMAIL_CAMPAIGN_CALLS,
  );

  it('lists its actions and relays only calls whose arguments match their schema', async () => {
    expect(EMAIL_CAMPAIGN_ACTIONS).toContain('enrollDriversInSequence');
    deliver({ protocol: PROTOCOL, type: 'ready', app: 'email-campaigns' });
    deliver({ protocol: PROTOCOL, type: 'call', id: 'e-1', action: 'sendEmailCampaign', args: [42] });
    deliver({ protocol: PROTOCOL, type: 'call', id: 'e-2', action: 'sendEmailCampaign', args: ['c-1'] });
    await new Promise((r) => setTimeout(r, 0));
    expect(answers[0]).toMatchObject({ type: 'welcome', actions: ['sendEmailCampaign'] });
    expect(answers.find((a) => 'id' in a && a.id === 'e-1')).toMatchObject({ type: 'error', error: expect.stringContaining('Invalid arguments for sendEmailCampaign') });
    expect(answers.find((a) => 'id' in a && a.id === 'e-2')).toMatchObject({ type: 'result' });
    expect(calls).toEqual([['c-1']]);
  });
});
