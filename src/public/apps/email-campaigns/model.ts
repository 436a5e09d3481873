/**
 * View logic of the email campaign builder and list, free of the DOM: tabs, the builder's form →
 * `campaignData` of createEmailCampaign / updateEmailCampaign, the checks made before asking the
 * backend, and backend validation errors → builder fields.
 */
import type { AudienceFilter } from '../../../backend/collections/common';
import type { CampaignStatus } from '../../../backend/collections/vocabulary';
import type { EmailCampaignData } from '../../messaging';
import { spreadFieldErrors } from '../shared/fieldErrors';
import { isoFromLocal, scheduledTimeProblem, sendWindowOf, windowProblem, type WindowForm } from '../shared/scheduleModel';

export type CampaignTab = 'active' | 'scheduled' | 'completed' | 'drafts';
export const CAMPAIGN_TABS: readonly { readonly tab: CampaignTab; readonly label: string }[] = [
  { tab: 'active', label: 'Active' },
  { tab: 'scheduled', label: 'Scheduled' },
  { tab: 'completed', label: 'Completed' },
  { tab: 'drafts', label: 'Drafts' },
];

/** Paused campaigns stay under Active, where the recruiter resumes them. */
export function tabOf(status: CampaignStatus): CampaignTab {
  switch (status) {
    case 'active':
    case 'paused':
      return 'active';
    case 'scheduled':
      return 'scheduled';
    case 'completed':
      return 'completed';
    case 'draft':
      return 'drafts';
  }
}

export type ContentMode = 'html' | 'template';
export type EmailScheduleKind = 'immediate' | 'scheduled';

export interface EmailDraft {
  readonly name: string;
  readonly fromName: string;
  readonly fromEmail: string;
  readonly replyTo: string;
  /** The main subject first; more entries are A/B variants. */
  readonly subjects: readonly string[];
  readonly preheader: string;
  readonly mode: ContentMode;
  readonly templateId: string;
  readonly unsubscribeGroupId: string;
  readonly html: string;
  readonly schedule: { readonly kind: EmailScheduleKind; readonly at: string };
  readonly window: WindowForm;
  readonly tracking: { readonly opens: boolean; readonly clicks: boolean };
}

export type EmailField = 'name' | 'from' | 'replyTo' | 'subject' | 'variants' | 'preheader' | 'content' | 'audience' | 'schedule' | 'window';
export type EmailFieldErrors = Partial<Record<EmailField, string>>;

export const MAX_SUBJECT_VARIANTS = 4;
export const TEMPLATE_ID_PATTERN = /^d-[0-9a-f]{32}$/i;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `campaignData` for the web methods. Blank optional inputs are left out (the carrier's defaults apply). */
export function emailCampaignDataOf(draft: EmailDraft, audienceFilter: AudienceFilter): EmailCampaignData {
  const [subject = '', ...variants] = draft.subjects.map((s) => s.trim());
  const data: EmailCampaignData = {
    name: draft.name.trim(),
    campaignType: 'one_time',
    subjectLine: subject,
    subjectVariants: variants.filter((v) => v !== ''),
    preheader: draft.preheader.trim(),
    replyTo: draft.replyTo.trim() === '' ? null : draft.replyTo.trim(),
    templateId: draft.mode === 'template' ? draft.templateId.trim() : null,
    htmlContent: draft.mode === 'html' ? draft.html : null,
    unsubscribeGroupId: draft.mode === 'template' && draft.unsubscribeGroupId.trim() !== '' ? draft.unsubscribeGroupId.trim() : null,
    audienceFilter,
    scheduleType: draft.schedule.kind,
    scheduledTime: draft.schedule.kind === 'scheduled' ? isoFromLocal(draft.schedule.at) : null,
    sendWindow: draft.window.enabled ? sendWindowOf(draft.window) : null,
    tracking: { opens: draft.tracking.opens, clicks: draft.tracking.clicks },
  };
  if (draft.fromName.trim() !== '') data.fromName = draft.fromName.trim();
  if (draft.fromEmail.trim() !== '') data.fromEmail = draft.fromEmail.trim();
  return data;
}

/** Checks the builder makes before asking the backend (which checks everything again). */
export function emailLocalProblems(draft: EmailDraft, audienceProblems: readonly string[], sending: boolean, now: Date = new Date()): EmailFieldErrors {
  const errors: EmailFieldErrors = {};
  if (draft.name.trim() === '') errors.name = 'Give the campaign a name.';
  if (draft.fromEmail.trim() !== '' && !EMAIL_PATTERN.test(draft.fromEmail.trim())) errors.from = 'The From address is not an email address.';
  if (draft.replyTo.trim() !== '' && !EMAIL_PATTERN.test(draft.replyTo.trim())) errors.replyTo = 'The reply-to address is not an email address.';
  if ((draft.subjects[0] ?? '').trim() === '') errors.subject = 'Write the subject line.';
  if (draft.subjects.slice(1).some((s) => s.trim() === '')) errors.variants = 'Every subject variant needs text (or remove it).';
  if (draft.preheader.length > 250) errors.preheader = 'Keep the preheader under 250 characters.';
  switch (draft.mode) {
    case 'template':
      if (!TEMPLATE_ID_PATTERN.test(draft.templateId.trim())) errors.content = 'A SendGrid dynamic template id looks like d- followed by 32 hex digits.';
      else if (draft.unsubscribeGroupId.trim() !== '' && !/^[1-9]\d{0,9}$/.test(draft.unsubscribeGroupId.trim())) errors.content = 'The unsubscribe group id is a number.';
      break;
    case 'html':
      if (draft.html.trim() === '') errors.content = 'Write the email or choose a SendGrid template.';
      break;
  }
  if (audienceProblems.length > 0) errors.audience = audienceProblems.join(' ');
  const when = sending && draft.schedule.kind === 'scheduled' ? scheduledTimeProblem(draft.schedule.at, now) : null;
  if (when !== null) errors.schedule = when;
  const window = windowProblem(draft.window);
  if (window !== null) errors.window = window;
  return errors;
}

const FIELD_OF_KEY: Readonly<Record<string, EmailField>> = {
  name: 'name',
  fromName: 'from',
  fromEmail: 'from',
  replyTo: 'replyTo',
  subjectLine: 'subject',
  subjectVariants: 'variants',
  preheader: 'preheader',
  templateId: 'content',
  htmlContent: 'content',
  unsubscribeGroupId: 'content',
  audienceFilter: 'audience',
  scheduleType: 'schedule',
  scheduledTime: 'schedule',
  sendWindow: 'window',
};

/** Backend failures next to their fields; messages about content or sender go to those sections. */
export function emailFieldErrorsOf(message: string): { fields: EmailFieldErrors; general: string | null } {
  const spread = spreadFieldErrors(message, FIELD_OF_KEY);
  if (spread.general === null || Object.keys(spread.fields).length > 0) return spread;
  const place: readonly (readonly [RegExp, EmailField])[] = [
    [/subject variant/i, 'variants'],
    [/\bsubject\b/i, 'subject'],
    [/preheader/i, 'preheader'],
    [/templateId|htmlContent|SendGrid template|unsubscribe group|email body/i, 'content'],
    [/From address|sending domain|fromEmail/i, 'from'],
  ];
  const field = place.find(([pattern]) => pattern.test(message))?.[1];
  if (field !== undefined) return { fields: { [field]: message }, general: null };
  return spread;
}
