/**
 * Mail Send validation the way SendGrid answers it (providers.md §3.1–3.2, SendGrid's "Mail Send
 * errors" page): every problem found becomes one `{message, field, help}` entry of a 400 body.
 * Types come from the zod schema; required fields and limits are checked here.
 */
import type * as z from 'zod';
import type { SendGridErrorItem } from '../harness';
import { MailSendBody, jsonTypeName, valueAt, type AddressInput, type MailSendRequest, type PersonalizationInput } from './schema';

export type ValidationResult = { readonly ok: true; readonly mail: MailSendRequest } | { readonly ok: false; readonly errors: readonly SendGridErrorItem[] };

export interface ValidationContext {
  /** Simulator clock, epoch ms (for send_at). */
  readonly now: number;
  /** True when a template with this id exists. */
  readonly templateExists: (id: string) => boolean;
  /** Unsubscribe group ids that exist, or null to accept any positive id. */
  readonly asmGroups: readonly number[] | null;
}

const HELP_BASE = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.';
const MAX_PERSONALIZATIONS = 1000;
const MAX_RECIPIENTS = 1000;
const MAX_CATEGORIES = 10;
const MAX_ARGS_BYTES = 10_000;
const SEND_AT_HORIZON_S = 72 * 3600;
const RESERVED_HEADERS = ['x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc'];
const EMAIL = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\.]+$/;

export const MESSAGES = {
  personalizationsRequired: 'You must have at least one personalization.',
  toRequired: 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
  invalidAddress: 'Does not contain a valid address.',
  fromRequired:
    'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
  subjectRequired: 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
  contentRequired:
    'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
  contentValue: 'The content value must be a string at least one character in length.',
  contentType: 'The content type must be a string at least one character in length.',
  contentOrder: 'If present, text/plain must be first, followed by text/html, followed by any other content.',
  totalRecipients: 'There is a limit of 1000 total recipients (to + cc + bcc) per request.',
} as const;

const isEmail = (value: string): boolean => EMAIL.test(value.trim());
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8');

/** `help` links point at the field without its indices (`personalizations.to`), as SendGrid's do. */
function error(field: string | null, message: string): SendGridErrorItem {
  return { message, field, help: field === null ? null : `${HELP_BASE}${field.replace(/\.\d+(?=\.|$)/g, '')}` };
}

export function validateMailSend(raw: unknown, ctx: ValidationContext): ValidationResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: [error(null, 'The request body must be a JSON object.')] };
  const parsed = MailSendBody.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => typeError(raw, issue));
    return { ok: false, errors: dedupe(errors) };
  }
  const mail = parsed.data;
  const errors = [...checkPersonalizations(mail), ...checkSender(mail), ...checkContent(mail, ctx), ...checkExtras(mail, ctx)];
  return errors.length === 0 ? { ok: true, mail } : { ok: false, errors };
}

function typeError(raw: unknown, issue: z.core.$ZodIssue): SendGridErrorItem {
  const field = issue.path.map(String).join('.');
  const value = valueAt(raw, issue.path);
  if (value === undefined) {
    if (field === 'from.email') return error('from.email', MESSAGES.fromRequired);
    if (/^personalizations\.\d+\.(to|cc|bcc)\.\d+\.email$/.test(field)) return error(field, MESSAGES.invalidAddress);
    if (/^content\.\d+\.value$/.test(field)) return error(field, MESSAGES.contentValue);
    if (/^content\.\d+\.type$/.test(field)) return error(field, MESSAGES.contentType);
    return error(field, `The ${field} parameter is required.`);
  }
  switch (issue.code) {
    case 'invalid_type':
      return error(field, `Invalid type. Expected: ${issue.expected === 'int' ? 'integer' : issue.expected}, given: ${jsonTypeName(value)}.`);
    case 'invalid_value':
      return error(field, `Invalid value. Expected one of: ${issue.values.map(String).join(', ')}.`);
    default:
      return error(field, `Invalid value: ${issue.message}`);
  }
}

function dedupe(errors: readonly SendGridErrorItem[]): SendGridErrorItem[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field ?? ''}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkAddresses(list: readonly AddressInput[] | undefined, field: string): SendGridErrorItem[] {
  return (list ?? []).flatMap((a, j) => (isEmail(a.email) ? [] : [error(`${field}.${j}.email`, MESSAGES.invalidAddress)]));
}

function checkPersonalizations(mail: MailSendRequest): SendGridErrorItem[] {
  const list = mail.personalizations ?? [];
  if (list.length === 0) return [error('personalizations', MESSAGES.personalizationsRequired)];
  if (list.length > MAX_PERSONALIZATIONS) {
    return [
      error(
        'personalizations',
        `The personalization block is limited to 1000 personalizations per API request. You have provided ${list.length} personalizations. Please consider splitting this into multiple requests and resending your request.`,
      ),
    ];
  }
  const errors: SendGridErrorItem[] = [];
  let total = 0;
  list.forEach((p, i) => {
    const base = `personalizations.${i}`;
    total += (p.to?.length ?? 0) + (p.cc?.length ?? 0) + (p.bcc?.length ?? 0);
    if (!p.to || p.to.length === 0) errors.push(error(`${base}.to`, MESSAGES.toRequired));
    errors.push(...checkAddresses(p.to, `${base}.to`), ...checkAddresses(p.cc, `${base}.cc`), ...checkAddresses(p.bcc, `${base}.bcc`));
    if (p.from && !isEmail(p.from.email)) errors.push(error(`${base}.from.email`, MESSAGES.invalidAddress));
    const duplicate = firstDuplicate(p);
    if (duplicate) {
      errors.push(
        error(base, `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${duplicate.email}] in the ${base}.${duplicate.kind} field.`),
      );
    }
    if (p.custom_args && bytes(p.custom_args) > MAX_ARGS_BYTES) errors.push(error(`${base}.custom_args`, 'The custom_args may not exceed 10,000 bytes per personalization.'));
    if (p.substitutions && bytes(p.substitutions) > MAX_ARGS_BYTES) errors.push(error(`${base}.substitutions`, 'The substitutions may not exceed 10,000 bytes per personalization.'));
    errors.push(...checkHeaders(p.headers, `${base}.headers`));
  });
  if (total > MAX_RECIPIENTS) errors.push(error('personalizations', MESSAGES.totalRecipients));
  return errors;
}

function firstDuplicate(p: PersonalizationInput): { email: string; kind: 'to' | 'cc' | 'bcc' } | null {
  const seen = new Set<string>();
  for (const kind of ['to', 'cc', 'bcc'] as const) {
    for (const a of p[kind] ?? []) {
      const key = a.email.trim().toLowerCase();
      if (seen.has(key)) return { email: a.email, kind };
      seen.add(key);
    }
  }
  return null;
}

function checkSender(mail: MailSendRequest): SendGridErrorItem[] {
  const errors: SendGridErrorItem[] = [];
  if (!mail.from) errors.push(error('from.email', MESSAGES.fromRequired));
  else if (!isEmail(mail.from.email)) errors.push(error('from.email', MESSAGES.invalidAddress));
  if (mail.reply_to && !isEmail(mail.reply_to.email)) errors.push(error('reply_to.email', MESSAGES.invalidAddress));
  if (mail.reply_to && mail.reply_to_list) errors.push(error('reply_to', 'The reply_to and reply_to_list parameters cannot both be set.'));
  if (mail.reply_to_list) {
    if (mail.reply_to_list.length > 1000) errors.push(error('reply_to_list', 'The reply_to_list may contain at most 1000 addresses.'));
    errors.push(...checkAddresses(mail.reply_to_list, 'reply_to_list'));
  }
  return errors;
}

function checkContent(mail: MailSendRequest, ctx: ValidationContext): SendGridErrorItem[] {
  const errors: SendGridErrorItem[] = [];
  const template = mail.template_id;
  if (template !== undefined) {
    if (template.startsWith('d-') ? !ctx.templateExists(template) : !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(template)) {
      errors.push(error('template_id', `The template_id must be a valid GUID or dynamic template id (d-…) of a template in your account, you provided '${template}'.`));
    } else if (!ctx.templateExists(template)) {
      errors.push(error('template_id', `The template_id '${template}' does not match a template in your account.`));
    }
  }
  const personalizations = mail.personalizations ?? [];
  const subjectEverywhere = personalizations.length > 0 && personalizations.every((p) => (p.subject ?? '') !== '');
  if (template === undefined && (mail.subject ?? '') === '' && !subjectEverywhere) errors.push(error('subject', MESSAGES.subjectRequired));
  const content = mail.content ?? [];
  if (template === undefined && content.length === 0) errors.push(error('content', MESSAGES.contentRequired));
  content.forEach((c, i) => {
    if (c.type.trim() === '') errors.push(error(`content.${i}.type`, MESSAGES.contentType));
    else if (!/^[\w.+-]+\/[\w.+-]+$/.test(c.type.trim())) errors.push(error(`content.${i}.type`, `Invalid content type '${c.type}'. The content type must be a MIME type such as text/plain or text/html.`));
    if (c.value === '') errors.push(error(`content.${i}.value`, MESSAGES.contentValue));
  });
  const types = content.map((c) => c.type.trim().toLowerCase());
  const plain = types.indexOf('text/plain');
  const htmlAt = types.indexOf('text/html');
  if ((plain > 0) || (htmlAt >= 0 && htmlAt !== (plain === 0 ? 1 : 0))) errors.push(error('content', MESSAGES.contentOrder));
  if (new Set(types).size !== types.length) errors.push(error('content', 'Each content type may be given only once.'));
  (mail.attachments ?? []).forEach((a, i) => {
    if (a.content === '' || !/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(a.content)) errors.push(error(`attachments.${i}.content`, 'The attachment content must be base64 encoded.'));
    if (a.filename.trim() === '') errors.push(error(`attachments.${i}.filename`, 'The attachment filename must be a string at least one character in length.'));
    if (a.disposition === 'inline' && !a.content_id) errors.push(error(`attachments.${i}.content_id`, 'The content_id parameter is required if your attachment disposition is inline.'));
  });
  return errors;
}

function checkHeaders(headers: Readonly<Record<string, string>> | undefined, field: string): SendGridErrorItem[] {
  return Object.keys(headers ?? {})
    .filter((name) => RESERVED_HEADERS.includes(name.toLowerCase()))
    .map((name) => error(`${field}.${name}`, `The ${name} header is reserved and cannot be set in headers.`));
}

function checkExtras(mail: MailSendRequest, ctx: ValidationContext): SendGridErrorItem[] {
  const errors: SendGridErrorItem[] = [...checkHeaders(mail.headers, 'headers')];
  const categories = mail.categories ?? [];
  if (categories.length > MAX_CATEGORIES) errors.push(error('categories', `Too many categories: a message may have at most ${MAX_CATEGORIES} categories, you provided ${categories.length}.`));
  categories.forEach((c, i) => {
    if (c.length === 0 || c.length > 255) errors.push(error(`categories.${i}`, 'Each category must be a string between 1 and 255 characters long.'));
  });
  if (new Set(categories).size !== categories.length) errors.push(error('categories', 'The categories must be unique.'));
  if (mail.custom_args && bytes(mail.custom_args) > MAX_ARGS_BYTES) errors.push(error('custom_args', 'The custom_args may not exceed 10,000 bytes.'));
  const nowS = Math.floor(ctx.now / 1000);
  const sendAts: [string, number | undefined][] = [['send_at', mail.send_at], ...(mail.personalizations ?? []).map((p, i): [string, number | undefined] => [`personalizations.${i}.send_at`, p.send_at])];
  for (const [field, at] of sendAts) {
    if (at === undefined) continue;
    if (at < 0) errors.push(error(field, 'The send_at parameter must be a unix timestamp in seconds.'));
    else if (at > nowS + SEND_AT_HORIZON_S) errors.push(error(field, 'The send_at parameter may not be more than 72 hours in the future.'));
  }
  if (mail.asm) {
    if (mail.asm.group_id < 1) errors.push(error('asm.group_id', 'The asm.group_id must be the id of an unsubscribe group (a positive integer).'));
    else if (ctx.asmGroups !== null && !ctx.asmGroups.includes(mail.asm.group_id)) errors.push(error('asm.group_id', `The unsubscribe group ${mail.asm.group_id} does not exist in your account.`));
    if ((mail.asm.groups_to_display?.length ?? 0) > 25) errors.push(error('asm.groups_to_display', 'The asm.groups_to_display may contain at most 25 group ids.'));
  }
  if (mail.ip_pool_name !== undefined && (mail.ip_pool_name.length < 2 || mail.ip_pool_name.length > 64)) errors.push(error('ip_pool_name', 'The ip_pool_name must be between 2 and 64 characters long.'));
  return errors;
}
