/**
 * Email steps of a batch through the email channel (ports.ts → emailChannel.ts), with the same
 * write-before-send discipline as the email campaigns (src/backend/email/):
 * 1. one read of the steps' records by their deterministic ids (`<enrollment>.s<n>`): a record a
 *    killed run wrote decides — accepted → done; `pending` → nothing reached SendGrid, send again;
 *    `queued` without `sent_at` → SendGrid may have it: resolved by the email channel's rule for
 *    unconfirmed requests (email/unconfirmed.ts: confirmed by an event on the request, resent when
 *    events flow without it, failed after 24 h), never blindly resent;
 * 2. compliance (`decideContactBatch`, channel `email`: consent, suppression, the sequence's send
 *    window) and the personalization (carrier sender, footer, List-Unsubscribe) per step. A
 *    suppression the DriverProfiles mirror does not show yet (facts.ts read EmailSuppressions for the
 *    batch) is folded into the driver first — its reason read for those drivers only;
 * 3. one bulk save of the records BEFORE any provider call (sendable ones `queued` with the id of
 *    the Mail Send request that will carry them, one request per step: ≤ 1000 emails), the calls
 *    (a few requests at once), then one read of the records and one bulk update of the outcomes;
 * 4. ContactEvents (through the batch) and `last_email_at` (the batch's driver write) for what
 *    SendGrid accepted.
 * Steps 1–3 up to the save are `writeEmailSteps`, the calls and outcomes `sendEmailSteps` (the step
 * job pipelines them across batches).
 */
import type { EmailMessage } from '../collections/email';
import type { DriverProfile } from '../collections/people';
import { activeSuppressionsOf } from '../email/suppressionRecords';
import { CONFIRM_AFTER_MS, EVENT_STATUSES, GIVE_UP_MS } from '../email/unconfirmed';
import type { EmailPersonalization } from '../email/provider';
import { decideContactBatch, type ContactDecision } from '../outreach';
import type { NewItem } from '../platform/data';
import type { EmailMessages } from '../collections/email';
import type { EmailItemOutcome, SequenceEmailSender, StepEmailContext } from './ports';
import { emailMessages, emailsByIds } from './records';
import { type EmailStepItem, type SendResult, type StepSendContext } from './stepItem';
import { chunk, groupBy } from '../util/lists';

type NewEmail = NewItem<typeof EmailMessages> & { _id: string };

const ACCEPTED: ReadonlySet<string> = new Set(EVENT_STATUSES);

/** The step's outcome from a record that is settled (not `pending`, not unconfirmed). */
export function resultOfEmail(record: Pick<EmailMessage, '_id' | 'status' | 'error_message' | 'compliance_reason'>): SendResult {
  if (ACCEPTED.has(record.status) || record.status === 'queued') return { kind: 'done', outcome: 'sent', messageId: record._id };
  switch (record.status) {
    case 'failed':
      return { kind: 'done', outcome: 'failed', messageId: record._id, reason: record.error_message ?? 'SendGrid refused the email' };
    case 'blocked':
      return { kind: 'done', outcome: 'blocked', messageId: record._id, reason: record.compliance_reason ?? 'Blocked by compliance' };
    case 'canceled':
      return { kind: 'done', outcome: 'skipped', messageId: record._id, reason: record.compliance_reason ?? 'Canceled before it was sent' };
    default:
      return { kind: 'done', outcome: 'failed', messageId: record._id, reason: 'The email was not sent' };
  }
}

function contextOf(item: EmailStepItem): StepEmailContext {
  return { sequence: item.sequence, version: item.plan.version, step: item.step, carrier: item.carrier, recruiter: item.recruiter, job: item.job };
}

function newRecord(item: EmailStepItem, fields: Pick<NewEmail, 'status' | 'subject' | 'compliance_rule' | 'compliance_reason'>): NewEmail {
  return {
    _id: item.messageId,
    campaign_id: null,
    carrier_dot: item.enrollment.carrier_dot,
    sequence_id: item.sequence._id,
    enrollment_id: item.enrollment._id,
    driver_id: item.driver._id,
    sequence_step: item.step.step_number,
    email_address: (item.driver.email ?? '').trim().toLowerCase(),
    variant_id: null,
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
    send_after: null,
    request_id: null,
    attempted_at: null,
    attempts: 0,
    error_code: null,
    error_message: null,
    ...fields,
    subject: fields.subject.slice(0, 998),
  };
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Unconfirmed = 'confirmed' | 'resend' | 'failed' | { readonly waitUntil: Date };

/** The email channel's rule for a request SendGrid never answered (see email/unconfirmed.ts). */
async function resolveUnconfirmed(record: EmailMessage, now: Date): Promise<Unconfirmed> {
  const attemptedAt = record.attempted_at ?? now;
  if (now.getTime() - attemptedAt.getTime() < CONFIRM_AFTER_MS) return { waitUntil: new Date(attemptedAt.getTime() + CONFIRM_AFTER_MS) };
  if (record.request_id) {
    const [moved] = await emailMessages().find((q) => q.eq('carrier_dot', record.carrier_dot).eq('request_id', record.request_id ?? '').hasSome('status', [...EVENT_STATUSES]), { limit: 1 });
    if (moved) return 'confirmed';
  }
  const [flowing] = await emailMessages().find((q) => q.eq('carrier_dot', record.carrier_dot).gt('delivered_at', attemptedAt), { limit: 1 });
  if (flowing) return 'resend';
  if (now.getTime() - attemptedAt.getTime() >= GIVE_UP_MS) return 'failed';
  return { waitUntil: new Date(now.getTime() + CONFIRM_AFTER_MS) };
}

/** Settles records a killed run (or an unanswered call) left; returns the items to (re)send. */
async function settleStored(items: readonly EmailStepItem[], ctx: StepSendContext, results: Map<string, SendResult>, known: ReadonlyMap<string, EmailMessage> | null): Promise<{ fresh: EmailStepItem[]; stored: Set<string> }> {
  const byMessage = new Map(items.map((i) => [i.messageId, i]));
  const stored = known ? items.map((i) => known.get(i.messageId)).filter((m): m is EmailMessage => m !== undefined) : await emailsByIds([...byMessage.keys()]);
  const fresh: EmailStepItem[] = items.filter((i) => !stored.some((r) => r._id === i.messageId));
  for (const record of stored) {
    const item = byMessage.get(record._id);
    if (!item) continue;
    const unconfirmed = record.status === 'queued' && !record.sent_at;
    if (record.status === 'pending' || record.status === 'held') {
      fresh.push(item);
      continue;
    }
    if (!unconfirmed) {
      results.set(item.enrollment._id, resultOfEmail(record));
      continue;
    }
    const verdict = await resolveUnconfirmed(record, ctx.now);
    if (verdict === 'confirmed') {
      await emailMessages().patch(record._id, { sent_at: record.attempted_at ?? ctx.now, error_code: null, error_message: null });
      results.set(item.enrollment._id, { kind: 'done', outcome: 'sent', messageId: record._id });
    } else if (verdict === 'resend') {
      fresh.push(item);
    } else if (verdict === 'failed') {
      const reason = 'SendGrid did not answer and no event confirmed or ruled out the send within 24 hours; not resent, to avoid a duplicate';
      await emailMessages().patch(record._id, { status: 'failed', error_code: 'unconfirmed', error_message: reason });
      results.set(item.enrollment._id, { kind: 'done', outcome: 'failed', messageId: record._id, reason });
    } else {
      results.set(item.enrollment._id, { kind: 'later', until: verdict.waitUntil, reason: 'Waiting for SendGrid to confirm an unanswered send' });
    }
  }
  return { fresh, stored: new Set(stored.map((r) => r._id)) };
}

export interface Sendable {
  readonly item: EmailStepItem;
  readonly personalization: EmailPersonalization;
}

/**
 * The drivers as compliance must see them: a suppression in EmailSuppressions that the mirror does
 * not show yet (`facts.unsubscribed` without `email_suppressed_reason`) gets its reason, read for
 * those drivers only (one read per carrier, none in the usual case).
 */
async function withSuppressions(items: readonly EmailStepItem[]): Promise<DriverProfile[]> {
  const unmirrored = items.filter((i) => i.facts.unsubscribed && !i.driver.email_suppressed_reason && i.driver.email);
  if (unmirrored.length === 0) return items.map((i) => i.driver);
  const reasons = new Map<string, DriverProfile['email_suppressed_reason']>();
  for (const [carrierDot, list] of groupBy(unmirrored, (i) => i.enrollment.carrier_dot)) {
    const active = await activeSuppressionsOf(carrierDot, list.map((i) => i.driver.email ?? ''));
    for (const i of list) reasons.set(i.driver._id, active.get((i.driver.email ?? '').trim().toLowerCase())?.reason ?? null);
  }
  return items.map((i) => {
    const reason = reasons.get(i.driver._id);
    return reason ? { ...i.driver, email_suppressed_reason: reason } : i.driver;
  });
}

async function compose(fresh: readonly EmailStepItem[], ctx: StepSendContext, sender: SequenceEmailSender, results: Map<string, SendResult>): Promise<{ records: NewEmail[]; sendable: Sendable[] }> {
  const nonce = Math.random().toString(36).slice(2, 10);
  const records: NewEmail[] = [];
  const sendable: Sendable[] = [];
  for (const group of groupBy(fresh, (i) => `${i.enrollment.carrier_dot}|${JSON.stringify(i.plan.sendWindow)}`).values()) {
    for (const part of chunk(group, 1000)) {
      const first = part[0];
      if (!first) continue;
      const { decisions } = await decideContactBatch({ channel: 'email', carrier: first.carrier, drivers: await withSuppressions(part), now: ctx.now, sendWindow: first.plan.sendWindow, campaignId: null }, ctx.compliance);
      part.forEach((item, i) => {
        const decision: ContactDecision = decisions[i] ?? { action: 'block', rule: 'contact.email_missing', reason: 'no decision' };
        const email = (item.driver.email ?? '').trim().toLowerCase();
        const addressOk = EMAIL_PATTERN.test(email);
        if (decision.action === 'hold') {
          results.set(item.enrollment._id, { kind: 'later', until: decision.until, reason: decision.reason });
          return;
        }
        if (decision.action === 'block' || !addressOk) {
          const reason = decision.action === 'block' ? decision.reason : 'No valid email address';
          const rule = decision.action === 'block' ? decision.rule : 'contact.email_invalid';
          if (addressOk) records.push(newRecord(item, { status: 'blocked', subject: item.step.subject, compliance_rule: rule, compliance_reason: reason }));
          results.set(item.enrollment._id, { kind: 'done', outcome: 'blocked', messageId: addressOk ? item.messageId : null, reason });
          return;
        }
        const built = sender.personalize(contextOf(item), { driver: item.driver, email, messageId: item.messageId });
        if (!built.ok) {
          records.push(newRecord(item, { status: 'blocked', subject: built.subject, compliance_rule: 'template.missing_value', compliance_reason: built.reason }));
          results.set(item.enrollment._id, { kind: 'done', outcome: 'blocked', messageId: item.messageId, reason: built.reason });
          return;
        }
        // Written as `queued` with its request id right before the call (below): if the run dies
        // before SendGrid answers, the unconfirmed rule decides, never a blind resend.
        const requestId = requestIdOf(item, ctx.now, nonce);
        records.push({ ...newRecord(item, { status: 'queued', subject: built.subject, compliance_rule: null, compliance_reason: null }), request_id: requestId, attempted_at: ctx.now });
        sendable.push({ item, personalization: built.personalization });
      });
    }
  }
  return { records, sendable };
}

/** One Mail Send request per step of a sequence version (its emails of the batch, ≤ 1000). */
function groupKey(item: EmailStepItem): string {
  return `${item.sequence._id}.v${item.plan.version}.s${item.step.step_number}`;
}

/**
 * The id of the Mail Send request that carries the item: unique per request (the step, the instant,
 * and a nonce of this write), so an event of one request never confirms another one — two batches of
 * a run may send the same step at the same instant, and one of them may never have been sent.
 */
function requestIdOf(item: EmailStepItem, at: Date, nonce: string): string {
  return `${groupKey(item)}@${at.getTime().toString(36)}.${nonce}`;
}

/** What became of one email, applied to its record as stored now (fields the Event Webhook writes are kept). */
export function recordOutcome(stored: EmailMessage, outcome: EmailItemOutcome, at: Date): EmailMessage | null {
  const stillQueued = stored.status === 'queued';
  switch (outcome.kind) {
    case 'accepted':
      return { ...stored, sendgrid_id: stored.sendgrid_id ?? outcome.providerMessageId, sent_at: stored.sent_at ?? at, attempts: (stored.attempts ?? 0) + 1, error_code: null, error_message: null };
    case 'rejected':
      return stillQueued ? { ...stored, status: 'failed', attempts: (stored.attempts ?? 0) + 1, error_code: outcome.code.slice(0, 100), error_message: outcome.reason.slice(0, 1000) } : null;
    case 'retry':
      // Nothing reached SendGrid: back to `pending`, sent again by a later run.
      return stillQueued ? { ...stored, status: 'pending', request_id: null, error_code: 'retry', error_message: outcome.reason.slice(0, 1000) } : null;
    case 'unconfirmed':
      // SendGrid may have it: stays `queued` without `sent_at` until its events decide.
      return null;
  }
}

function resultOf(s: Sendable, outcome: EmailItemOutcome, at: Date): SendResult {
  switch (outcome.kind) {
    case 'accepted':
      return { kind: 'done', outcome: 'sent', messageId: s.item.messageId };
    case 'rejected':
      return { kind: 'done', outcome: 'failed', messageId: s.item.messageId, reason: outcome.reason };
    case 'retry':
      return { kind: 'later', until: at, reason: outcome.reason };
    case 'unconfirmed':
      return { kind: 'later', until: new Date(at.getTime() + CONFIRM_AFTER_MS), reason: `Waiting for SendGrid to confirm: ${outcome.reason}` };
  }
}

/** Mail Send requests in flight at once (one per step of the batch). */
const REQUEST_CONCURRENCY = 4;

/** Sends every group (one Mail Send request each, a few at once); outcomes by message id, and the first failure (not a provider answer). */
async function sendGroups(groups: readonly (readonly Sendable[])[], sender: SequenceEmailSender): Promise<{ outcomes: Map<string, EmailItemOutcome>; failure: unknown }> {
  const outcomes = new Map<string, EmailItemOutcome>();
  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < groups.length && failure === null; i = next++) {
      const group = groups[i];
      const first = group?.[0];
      if (!group || !first) continue;
      try {
        const answered = await sender.send(contextOf(first.item), group.map((s) => s.personalization));
        group.forEach((s, j) => outcomes.set(s.item.messageId, answered[j] ?? { kind: 'retry', reason: 'no outcome' }));
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(REQUEST_CONCURRENCY, groups.length) }, () => worker()));
  return { outcomes, failure };
}

/** A batch's email steps once written: records saved (sendable ones `queued`), nothing sent yet. */
export interface WrittenEmails {
  /** Steps already settled (holds, blocks, records a killed run left, email not configured). */
  readonly results: Map<string, SendResult>;
  readonly sendable: readonly Sendable[];
}

/**
 * Decides and writes the email steps of a batch (nothing is sent). Without a sender, email steps
 * wait. `known`: the steps' stored records when the caller already read them (else one read here).
 */
export async function writeEmailSteps(items: readonly EmailStepItem[], ctx: StepSendContext, sender: SequenceEmailSender | null, known: ReadonlyMap<string, EmailMessage> | null = null): Promise<WrittenEmails> {
  const results = new Map<string, SendResult>();
  if (items.length === 0) return { results, sendable: [] };
  if (!sender) {
    for (const item of items) results.set(item.enrollment._id, { kind: 'later', until: new Date(ctx.now.getTime() + 60 * 60_000), reason: 'Email is not configured (SendGrid secrets)' });
    return { results, sendable: [] };
  }
  const { fresh } = await settleStored(items, ctx, results, known);
  const { records, sendable } = await compose(fresh, ctx, sender, results);
  if (records.length > 0) await emailMessages().bulkSave(records);
  return { results, sendable };
}

/** Sends what `writeEmailSteps` wrote (one Mail Send request per step) and records the outcomes; results by enrollment id. */
export async function sendEmailSteps(written: WrittenEmails, ctx: StepSendContext, sender: SequenceEmailSender | null): Promise<Map<string, SendResult>> {
  const results = new Map(written.results);
  const { sendable } = written;
  if (sendable.length === 0 || !sender) return results;
  // A batch holds ≤ 1000 enrollments, so one step's emails fit one request.
  const { outcomes, failure } = await sendGroups([...groupBy(sendable, (s) => groupKey(s.item)).values()], sender);
  // One read of the records as stored now (the Event Webhook may already have written some) and one bulk update.
  const stored = await emailsByIds(sendable.map((s) => s.item.messageId));
  const updates = stored.map((m) => { const o = outcomes.get(m._id); return o ? recordOutcome(m, o, ctx.now) : null; }).filter((m): m is EmailMessage => m !== null);
  if (updates.length > 0) await emailMessages().bulkUpdate(updates);
  // An error that is not a provider answer ends the run once the answered requests are recorded;
  // the requests it cut short stay `queued` (unconfirmed), never resent blindly.
  if (failure !== null) throw failure;
  const accepted: Sendable[] = [];
  for (const s of sendable) {
    const outcome = outcomes.get(s.item.messageId) ?? { kind: 'retry', reason: 'no outcome' };
    results.set(s.item.enrollment._id, resultOf(s, outcome, ctx.now));
    if (outcome.kind === 'accepted') accepted.push(s);
  }
  if (accepted.length > 0) {
    await ctx.compliance.recordContacts(accepted.map((s) => ({ carrier_dot: s.item.enrollment.carrier_dot, driver_id: s.item.driver._id, channel: 'email' as const, at: ctx.now, campaign_id: null, sequence_id: s.item.sequence._id, message_id: s.item.messageId })));
    ctx.emailed?.(accepted.map((s) => s.item.driver._id));
  }
  return results;
}

/** Writes, then sends, the email steps of a batch; results by enrollment id. */
export async function runEmailSteps(items: readonly EmailStepItem[], ctx: StepSendContext, sender: SequenceEmailSender | null, known: ReadonlyMap<string, EmailMessage> | null = null): Promise<Map<string, SendResult>> {
  return sendEmailSteps(await writeEmailSteps(items, ctx, sender, known), ctx, sender);
}
