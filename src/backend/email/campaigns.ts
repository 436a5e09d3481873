/**
 * Email campaign rules the web methods apply: the input shape, content and template validation,
 * the CAN-SPAM sender rules, which states allow which change, and the audience estimate.
 */
import * as z from 'zod';
import { audienceFilter, emailAddress, sendWindow, type AudienceFilter } from '../collections/common';
import type { EmailCampaign } from '../collections/email';
import type { Carrier } from '../collections/people';
import { EMAIL_CAMPAIGN_TYPES, EMAIL_SCHEDULE_TYPES, type CampaignStatus } from '../collections/vocabulary';
import { driverSourceAdapter } from '../adapters/driverSource';
import { estimateAudience, validateTemplate } from '../outreach';
import type { TemplateChannel } from '../outreach/variables';
import { now as clockNow } from '../platform';
import { UserFacingError } from '../service';

/** A SendGrid dynamic template id. */
const dynamicTemplateId = z.string().regex(/^d-[0-9a-f]{32}$/i, 'expected a SendGrid dynamic template id (d- and 32 hex digits)');
const groupId = z.string().regex(/^[1-9]\d{0,9}$/, 'expected a SendGrid unsubscribe group id (digits)');

export const EmailCampaignInput = z.object({
  name: z.string().trim().min(1).max(200),
  campaignType: z.enum(EMAIL_CAMPAIGN_TYPES).optional(),
  /** Default: the carrier's `email_from_name` / `email_from_address`. */
  fromName: z.string().trim().min(1).max(100).optional(),
  fromEmail: emailAddress.optional(),
  replyTo: emailAddress.nullable().optional(),
  subjectLine: z.string().trim().min(1).max(300),
  /** A/B subjects tested against `subjectLine` (equal shares, the same subject per driver every time). */
  subjectVariants: z.array(z.string().trim().min(1).max(300)).max(5).optional(),
  preheader: z.string().max(250).optional(),
  /** Exactly one of `templateId` (SendGrid dynamic template) and `htmlContent` (our editor). */
  templateId: dynamicTemplateId.nullable().optional(),
  htmlContent: z.string().min(1).max(200_000).nullable().optional(),
  audienceFilter: audienceFilter,
  scheduleType: z.enum(EMAIL_SCHEDULE_TYPES).optional(),
  scheduledTime: z.coerce.date().nullable().optional(),
  sendWindow: sendWindow.nullable().optional(),
  tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }).optional(),
  unsubscribeGroupId: groupId.nullable().optional(),
  jobPostingId: z.string().min(1).max(200).nullable().optional(),
});
export type EmailCampaignInput = z.infer<typeof EmailCampaignInput>;
export const EmailCampaignUpdate = EmailCampaignInput.partial();
export type EmailCampaignUpdate = z.infer<typeof EmailCampaignUpdate>;

/** Updates are refused once a campaign started sending (spec: "prevent updates to sent campaigns"). */
export const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'scheduled', 'paused'];

export function assertStatus(campaign: Pick<EmailCampaign, 'status' | 'archived_at'>, allowed: readonly CampaignStatus[], action: string): void {
  if (campaign.archived_at) throw new UserFacingError(`This campaign is archived; it can't ${action}.`, 'CONFLICT');
  if (!allowed.includes(campaign.status)) throw new UserFacingError(`A ${campaign.status} campaign can't ${action} (allowed when ${allowed.join(' or ')}).`, 'CONFLICT');
}

export function assertEditable(campaign: Pick<EmailCampaign, 'status' | 'archived_at' | 'started_at'>): void {
  assertStatus(campaign, EDITABLE_STATUSES, 'be edited');
  if (campaign.started_at) throw new UserFacingError('This campaign has already sent emails; it can no longer be edited.', 'CONFLICT');
}

function assertTemplate(template: string, channel: TemplateChannel, what: string): void {
  const errors = validateTemplate(template, channel).filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const unknown = errors.filter((e) => e.code === 'unknown_variable').map((e) => e.variable ?? '?');
  if (unknown.length > 0) throw new UserFacingError(`Unknown template variable${unknown.length > 1 ? 's' : ''} in the ${what}: ${unknown.join(', ')}`, 'INVALID_INPUT');
  throw new UserFacingError(`Problem in the ${what}: ${errors.map((e) => e.message).join(' ')}`, 'INVALID_INPUT');
}

type ContentFields = Pick<EmailCampaign, 'subject_line' | 'subject_variants' | 'preheader' | 'template_id' | 'html_content' | 'unsubscribe_group_id' | 'from_email'>;

/**
 * Content rules: exactly one of a dynamic template and our HTML; every variable known and allowed
 * where it is used; a template campaign needs an unsubscribe group (its footer's unsubscribe link is
 * SendGrid's group link); the From address on the carrier's sending domain (CAN-SPAM: accurate headers).
 */
export function assertContent(c: ContentFields, carrier: Pick<Carrier, 'email_unsubscribe_group_id' | 'email_from_address'>): void {
  const hasTemplate = Boolean(c.template_id);
  const hasHtml = Boolean(c.html_content && c.html_content.trim() !== '');
  if (hasTemplate === hasHtml) throw new UserFacingError('Give either a SendGrid template (templateId) or HTML content (htmlContent), not both.', 'INVALID_INPUT');
  assertTemplate(c.subject_line, 'email_subject', 'subject');
  c.subject_variants.forEach((s, i) => assertTemplate(s, 'email_subject', `subject variant ${i + 1}`));
  if (c.preheader) assertTemplate(c.preheader, 'email_html', 'preheader');
  if (c.html_content) assertTemplate(c.html_content, 'email_html', 'email body');
  if (hasTemplate && !c.unsubscribe_group_id && !carrier.email_unsubscribe_group_id) {
    throw new UserFacingError('A SendGrid template campaign needs an unsubscribe group (unsubscribeGroupId or the carrier default) so every email carries an unsubscribe link.', 'INVALID_INPUT');
  }
  const domain = carrier.email_from_address?.split('@')[1]?.toLowerCase();
  if (domain && c.from_email.split('@')[1]?.toLowerCase() !== domain) {
    throw new UserFacingError(`The From address must be on the carrier's sending domain (@${domain}).`, 'INVALID_INPUT');
  }
}

export async function estimateEmailFor(carrier: Carrier, filter: AudienceFilter): Promise<{ audienceCount: number; costEstimate: number }> {
  const estimate = await estimateAudience(driverSourceAdapter(), { carrierDot: carrier.carrier_dot, filter, now: clockNow() });
  return { audienceCount: estimate.reachable.email, costEstimate: estimate.costEstimate.email };
}

export type NewEmailCampaign = Omit<EmailCampaign, '_id' | 'audience_count' | 'cost_estimate' | '_createdDate' | '_updatedDate' | '_owner'>;

export function campaignFields(input: EmailCampaignInput, carrier: Carrier, memberId: string): NewEmailCampaign {
  const fromEmail = input.fromEmail ?? carrier.email_from_address;
  if (!fromEmail) throw new UserFacingError('Give a From address (fromEmail): the carrier has no default sending address.', 'INVALID_INPUT');
  return {
    carrier_dot: carrier.carrier_dot,
    campaign_name: input.name,
    campaign_type: input.campaignType ?? 'one_time',
    status: 'draft',
    from_name: input.fromName ?? carrier.email_from_name ?? carrier.name,
    from_email: fromEmail,
    reply_to: input.replyTo ?? null,
    subject_line: input.subjectLine,
    subject_variants: input.subjectVariants ?? [],
    preheader: input.preheader ?? '',
    template_id: input.templateId ?? null,
    html_content: input.htmlContent ?? null,
    audience_filter: input.audienceFilter,
    schedule_type: input.scheduleType ?? (input.scheduledTime ? 'scheduled' : 'immediate'),
    scheduled_time: input.scheduledTime ?? null,
    send_window: input.sendWindow ?? null,
    tracking: input.tracking ?? { opens: true, clicks: true },
    unsubscribe_group_id: input.unsubscribeGroupId ?? null,
    job_posting_id: input.jobPostingId ?? null,
    created_by_member_id: memberId,
    next_run_at: null,
    started_at: null,
    paused_at: null,
    completed_at: null,
    send_cursor: null,
    run_number: 0,
    audience_done: false,
    archived_at: null,
  };
}

/** The campaign with `updates` applied (only the fields given). */
export function applyUpdate(c: EmailCampaign, u: EmailCampaignUpdate): EmailCampaign {
  return {
    ...c,
    ...(u.name !== undefined ? { campaign_name: u.name } : {}),
    ...(u.campaignType !== undefined ? { campaign_type: u.campaignType } : {}),
    ...(u.fromName !== undefined ? { from_name: u.fromName } : {}),
    ...(u.fromEmail !== undefined ? { from_email: u.fromEmail } : {}),
    ...(u.replyTo !== undefined ? { reply_to: u.replyTo } : {}),
    ...(u.subjectLine !== undefined ? { subject_line: u.subjectLine } : {}),
    ...(u.subjectVariants !== undefined ? { subject_variants: u.subjectVariants } : {}),
    ...(u.preheader !== undefined ? { preheader: u.preheader } : {}),
    ...(u.templateId !== undefined ? { template_id: u.templateId } : {}),
    ...(u.htmlContent !== undefined ? { html_content: u.htmlContent } : {}),
    ...(u.audienceFilter !== undefined ? { audience_filter: u.audienceFilter } : {}),
    ...(u.scheduleType !== undefined ? { schedule_type: u.scheduleType } : {}),
    ...(u.scheduledTime !== undefined ? { scheduled_time: u.scheduledTime } : {}),
    ...(u.sendWindow !== undefined ? { send_window: u.sendWindow } : {}),
    ...(u.tracking !== undefined ? { tracking: u.tracking } : {}),
    ...(u.unsubscribeGroupId !== undefined ? { unsubscribe_group_id: u.unsubscribeGroupId } : {}),
    ...(u.jobPostingId !== undefined ? { job_posting_id: u.jobPostingId } : {}),
  };
}

/** The fields `updateEmailCampaign` may write (what `applyUpdate` can change). */
export function editableFields(c: EmailCampaign) {
  return {
    campaign_name: c.campaign_name,
    campaign_type: c.campaign_type,
    from_name: c.from_name,
    from_email: c.from_email,
    reply_to: c.reply_to ?? null,
    subject_line: c.subject_line,
    subject_variants: c.subject_variants,
    preheader: c.preheader ?? '',
    template_id: c.template_id ?? null,
    html_content: c.html_content ?? null,
    audience_filter: c.audience_filter,
    schedule_type: c.schedule_type,
    scheduled_time: c.scheduled_time ?? null,
    send_window: c.send_window ?? null,
    tracking: c.tracking,
    unsubscribe_group_id: c.unsubscribe_group_id ?? null,
    job_posting_id: c.job_posting_id ?? null,
  } satisfies Partial<EmailCampaign>;
}
