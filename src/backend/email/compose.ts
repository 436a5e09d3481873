/**
 * One campaign email per recipient (pure): the deterministic record id, the A/B subject, the
 * EmailMessages record from the compliance decision, and the SendGrid personalization (to, subject,
 * substitutions or dynamic_template_data, custom_args naming our message and carrier, and the
 * RFC 8058 List-Unsubscribe headers). `requestFor` puts up to 1000 personalizations into one
 * Mail Send request with the shared content.
 */
import { createHash } from 'node:crypto';
import type { EmailCampaign, EmailMessages } from '../collections/email';
import type { Carrier, DriverProfile } from '../collections/people';
import type { NewItem } from '../platform/data';
import { assignVariant, templateValuesFor, type ContactDecision, type WaveDriver } from '../outreach';
import { parseTemplate } from '../outreach/templates';
import type { TemplateJob, TemplateRecruiter } from '../outreach/templates';
import type { TemplateValues } from '../outreach/variables';
import { buildTaggedContent, footerText, formatAddress, renderParsed, substitutionsFor, type ParsedTemplate, type TaggedContent } from './content';
import type { EmailPersonalization, EmailSendRequest } from './provider';
import { makeUnsubscribeToken, unsubscribeUrl } from './unsubscribeToken';

/**
 * custom_args keys on every email (= EMAIL_CUSTOM_ARGS of events/schema.ts). SendGrid repeats them on
 * every event of the email, so they are kept to what the Event Webhook needs: our message id (the
 * record names the campaign or sequence) and the carrier (an unsubscribe is honoured even if the
 * record is gone; group events are ordered per carrier before the record is read).
 */
export const EMAIL_CUSTOM_ARG_KEYS = Object.freeze({ messageId: 'm', carrierDot: 'c' } as const);

/** The custom_args of one email, campaign or sequence step. */
export function emailCustomArgs(input: { messageId: string; carrierDot: string }): Record<string, string> {
  return { [EMAIL_CUSTOM_ARG_KEYS.messageId]: input.messageId, [EMAIL_CUSTOM_ARG_KEYS.carrierDot]: input.carrierDot };
}

export type NewEmailMessage = NewItem<typeof EmailMessages> & { _id: string };

/** 64 bits of SHA-256 of the lower-cased address, hex: stable, and not the address itself. */
export function addressHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex').slice(0, 16);
}

/** `<campaign>.r<run>.` — every email id of a run starts with it. */
export function runPrefix(campaignId: string, run: number): string {
  return `${campaignId}.r${run}.`;
}

/** `<campaign>.r<run>.e<address hash>`: one record, hence one email, per address per run. */
export function emailMessageId(campaignId: string, run: number, email: string): string {
  return `${runPrefix(campaignId, run)}e${addressHash(email)}`;
}

/**
 * The SendGrid category of our mail: one word naming what sent it, so SendGrid's own statistics can be
 * split by it. One short category only: SendGrid repeats categories on every event (`category`), and
 * a realistic 1000-event batch must stay under Wix's 512 KB request body cap (docs/email-events.md,
 * "Body size"); the carrier travels in the custom args, campaign statistics come from EmailMessages.
 */
export type EmailCategory = 'campaign' | 'sequence' | 'test';

/** The `categories` of a Mail Send request (SendGrid echoes them on every event as `category`). */
export function categoriesFor(category: EmailCategory): string[] {
  return [category];
}

export type ComposerCampaign = Pick<
  EmailCampaign,
  '_id' | 'carrier_dot' | 'from_name' | 'from_email' | 'reply_to' | 'subject_line' | 'subject_variants' | 'preheader' | 'template_id' | 'html_content' | 'tracking' | 'unsubscribe_group_id' | 'send_window'
>;

/** A campaign compiled once per sending slice: the tagged content and the subject variants. */
export interface EmailComposer {
  readonly campaign: ComposerCampaign;
  readonly carrier: Carrier;
  readonly recruiter: TemplateRecruiter | null;
  readonly job: TemplateJob | null;
  readonly publicBaseUrl: string;
  readonly unsubscribeSecret: string;
  /** Null for a dynamic-template campaign. */
  readonly content: TaggedContent | null;
  readonly subjects: readonly { readonly id: string | null; readonly template: string; readonly tokens: ParsedTemplate }[];
}

export function createComposer(input: Omit<EmailComposer, 'content' | 'subjects'>): EmailComposer {
  const { campaign, carrier } = input;
  const content = campaign.template_id ? null : buildTaggedContent({ html: campaign.html_content ?? '', preheader: campaign.preheader, carrier });
  const subjects =
    campaign.subject_variants.length === 0
      ? [{ id: null, template: campaign.subject_line, tokens: parseTemplate(campaign.subject_line) }]
      : [campaign.subject_line, ...campaign.subject_variants].map((template, i) => ({ id: variantLetter(i), template, tokens: parseTemplate(template) }));
  return { ...input, content, subjects };
}

/** A, B, C… for subject_line, subject_variants[0], subject_variants[1]… */
export function variantLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/** The subject a driver gets: the same variant every time (outreach/experiments), equal weights. */
export function subjectFor(composer: Pick<EmailComposer, 'campaign' | 'subjects'>, driverId: string): { variantId: string | null; template: string; tokens: ParsedTemplate } {
  const [first] = composer.subjects;
  if (!first) throw new Error('a campaign has at least one subject');
  if (composer.subjects.length === 1) return { variantId: first.id, template: first.template, tokens: first.tokens };
  const id = assignVariant({ campaignId: composer.campaign._id, driverId, variants: composer.subjects.map((s) => ({ id: s.id ?? '', weight: 1 })) });
  const chosen = composer.subjects.find((s) => s.id === id) ?? first;
  return { variantId: chosen.id, template: chosen.template, tokens: chosen.tokens };
}

type TemplateDriver = Pick<DriverProfile, '_id' | 'first_name' | 'last_name' | 'cdl_class' | 'years_experience' | 'home_city' | 'home_state'>;

function valuesFor(composer: EmailComposer, driver: TemplateDriver, url: string): TemplateValues {
  return templateValuesFor({ driver, recruiter: composer.recruiter, carrier: composer.carrier, job: composer.job, links: { unsubscribeUrl: url } });
}

/** The mailto half of List-Unsubscribe: the campaign's reply-to (or from) inbox, where a recruiter honours it. */
function mailtoOf(campaign: ComposerCampaign): string {
  return `mailto:${campaign.reply_to ?? campaign.from_email}?subject=unsubscribe`;
}

/** RFC 2369 / RFC 8058 headers for one recipient. */
export function listUnsubscribeHeaders(url: string, campaign: ComposerCampaign): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>, <${mailtoOf(campaign)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** SendGrid allows 10,000 bytes of substitutions per personalization; we stop short of it. */
const MAX_SUBSTITUTION_BYTES = 9_500;

/** Dynamic-template fields: every variable by name, the rendered subject, and the CAN-SPAM fields (docs/email-campaigns.md). */
function dynamicDataFor(composer: EmailComposer, values: TemplateValues, subject: string, url: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string' && value !== '') data[name] = value;
  const carrier = composer.carrier;
  return {
    ...data,
    subject,
    preheader: composer.campaign.preheader ?? '',
    unsubscribe_url: url,
    physical_address: formatAddress(carrier.physical_address),
    carrier_name: carrier.name,
    first_name: values.firstName ?? '',
    job_title: values.jobTitle ?? '',
    apply_url: values.applyUrl ?? '',
  };
}

export type PersonalizationResult = ({ readonly ok: true; readonly personalization: EmailPersonalization } | { readonly ok: false; readonly reason: string }) & { readonly subject: string; readonly variantId: string | null };

/** This recipient's personalization (or why it can't be sent: a variable with no value). */
export function personalizationFor(composer: EmailComposer, input: { driver: TemplateDriver; email: string; messageId: string }): PersonalizationResult {
  const { driver, email, messageId } = input;
  const { campaign, carrier } = composer;
  const url = unsubscribeUrl(composer.publicBaseUrl, makeUnsubscribeToken(composer.unsubscribeSecret, { carrierDot: carrier.carrier_dot, email, messageId }));
  const values = valuesFor(composer, driver, url);
  const { template: subjectTemplate, tokens, variantId } = subjectFor(composer, driver._id);
  const rendered = renderParsed(tokens, 'email_subject', values);
  if (rendered.missing.length > 0) return { ok: false, reason: `missing ${rendered.missing.join(', ')}`, subject: subjectTemplate, variantId };
  const subject = rendered.text;
  const common = {
    to: { email, name: `${driver.first_name} ${driver.last_name}` },
    subject,
    customArgs: emailCustomArgs({ messageId, carrierDot: carrier.carrier_dot }),
    headers: listUnsubscribeHeaders(url, campaign),
  };
  if (!composer.content) return { ok: true, subject, variantId, personalization: { ...common, dynamicTemplateData: dynamicDataFor(composer, values, subject, url) } };
  const { substitutions, missing } = substitutionsFor(composer.content.tags, values);
  if (missing.length > 0) return { ok: false, reason: `missing ${missing.join(', ')}`, subject, variantId };
  if (Buffer.byteLength(JSON.stringify(substitutions), 'utf8') > MAX_SUBSTITUTION_BYTES) return { ok: false, reason: 'personal values exceed the 10,000-byte substitution limit of SendGrid', subject, variantId };
  return { ok: true, subject, variantId, personalization: { ...common, substitutions } };
}

function baseRecord(input: { campaign: ComposerCampaign; driverId: string; email: string; messageId: string; run: number; subject: string; variantId: string | null }): Omit<NewEmailMessage, 'status'> {
  return {
    _id: input.messageId,
    campaign_id: input.campaign._id,
    carrier_dot: input.campaign.carrier_dot,
    sequence_id: null,
    enrollment_id: null,
    driver_id: input.driverId,
    email_address: input.email,
    subject: input.subject.slice(0, 998),
    variant_id: input.variantId,
    sendgrid_id: null,
    sent_at: null,
    delivered_at: null,
    opened: false,
    open_count: 0,
    clicked: false,
    click_count: 0,
    clicked_links: [],
    unsubscribed: false,
    spam_reported: false,
    request_id: null,
    attempted_at: null,
    attempts: 0,
    error_code: null,
    error_message: null,
    run_number: input.run,
  };
}

export interface ComposedEmail {
  readonly record: NewEmailMessage;
  /** Set when the record is `pending` (sendable now). */
  readonly personalization: EmailPersonalization | null;
}

/** One driver's email record for this run, from the compliance decision, and its personalization when sendable. */
export function composeEmail(input: { composer: EmailComposer; driver: WaveDriver; decision: ContactDecision; run: number }): ComposedEmail {
  const { composer, driver, decision, run } = input;
  // The audience stream only yields email-reachable drivers, whose address is set (and lower-cased by the data hooks).
  const email = (driver.email ?? '').trim().toLowerCase();
  const messageId = emailMessageId(composer.campaign._id, run, email);
  const built = personalizationFor(composer, { driver, email, messageId });
  const base = baseRecord({ campaign: composer.campaign, driverId: driver._id, email, messageId, run, subject: built.subject, variantId: built.variantId });
  if (!built.ok) return { record: { ...base, status: 'blocked', compliance_rule: 'template.missing_value', compliance_reason: built.reason, send_after: null }, personalization: null };
  switch (decision.action) {
    case 'send':
      return { record: { ...base, status: 'pending', compliance_rule: null, compliance_reason: null, send_after: null }, personalization: built.personalization };
    case 'hold':
      return { record: { ...base, status: 'held', compliance_rule: decision.rule, compliance_reason: decision.reason, send_after: decision.until }, personalization: null };
    case 'block':
      return { record: { ...base, status: 'blocked', compliance_rule: decision.rule, compliance_reason: decision.reason, send_after: null }, personalization: null };
  }
}

/** The footer SendGrid appends to template mail: the carrier and its address, and the group unsubscribe link. */
function templateFooter(composer: EmailComposer): EmailSendRequest['footer'] {
  const { carrier } = composer;
  const group = asmGroupOf(composer);
  const link = group === null ? '' : ' <a href="<%asm_group_unsubscribe_raw_url%>">Unsubscribe</a>';
  const html = `<p style="font-size:12px;color:#666666">${escapeFooter(carrier.name)} &middot; ${escapeFooter(formatAddress(carrier.physical_address))}.${link}</p>`;
  const text = footerText(carrier).replace('{{unsubscribeUrl}}', group === null ? '(see the link above)' : '<%asm_group_unsubscribe_raw_url%>');
  return { html, text };
}

function escapeFooter(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The unsubscribe group: the campaign's, else the carrier's marketing group; null when neither is a positive integer. */
export function asmGroupOf(composer: Pick<EmailComposer, 'campaign' | 'carrier'>): number | null {
  const raw = composer.campaign.unsubscribe_group_id ?? composer.carrier.email_unsubscribe_group_id ?? null;
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** One Mail Send request for a wave (≤ 1000 personalizations) of campaign, sequence or test mail. */
export function requestFor(composer: EmailComposer, personalizations: readonly EmailPersonalization[], category: EmailCategory = 'campaign'): EmailSendRequest {
  const { campaign } = composer;
  return {
    from: { email: campaign.from_email, name: campaign.from_name },
    replyTo: campaign.reply_to ? { email: campaign.reply_to } : null,
    subject: campaign.subject_line,
    content: composer.content ? { html: composer.content.html, text: composer.content.text } : null,
    templateId: composer.content ? null : (campaign.template_id ?? null),
    personalizations,
    categories: categoriesFor(category),
    asmGroupId: asmGroupOf(composer),
    tracking: { opens: campaign.tracking.opens, clicks: campaign.tracking.clicks },
    footer: composer.content ? null : templateFooter(composer),
  };
}
