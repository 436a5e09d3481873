/**
 * SMS steps of a batch through the SMS channel's pipeline and rules:
 * 1. compliance, one `decideContactBatch` (channel `sms`) per carrier and send window (opt-outs,
 *    consent, landlines, caps, the 9–20 recipient-local window): send / hold / block;
 * 2. one bulk insert of every record (sendable ones as `sending`) BEFORE any provider call, with the
 *    deterministic ids `<enrollment>.s<n>`. An id a killed run already wrote is skipped, read back,
 *    and its stored record decides (final → done; `sending` → looked up at Twilio before any resend,
 *    never blindly sent again). In the run after a killed one the records are read before step 1;
 * 3. provider calls with the SMS delivery discipline (sms/deliver.ts: bounded concurrency, 429 →
 *    retry, 5xx / timeout → look up, then retry);
 * 4. one bulk status update, then ContactEvents (through the batch) and what Twilio's refusals teach
 *    (sms/effects.ts); `last_sms_at` goes into the batch's driver update.
 * Holds are not written as records: the enrollment is rescheduled to the hold's end. Steps 1–2 are
 * `writeSmsSteps`, 3–4 `sendSmsSteps` (the step job pipelines them across batches). Every text
 * decided to be sent is entered in the run's contact ledger at once (ledger.ts), so the caps of the
 * next group and of later batches count it before its ContactEvent exists.
 */
import { DEFAULT_SEND_WINDOW } from '../collections/common';
import type { SMSMessage } from '../collections/sms';
import { decideContactBatch, ensureSenderIdentification, renderTemplate, templateValuesFor, type ContactDecision } from '../outreach';
import type { NewContactEvent } from '../outreach/compliance';
import { countSmsSegments } from '../outreach';
import type { NewItem } from '../platform/data';
import type { SMSMessages } from '../collections/sms';
import { createPacer, deliverWave, jitteredBackoff, realSleep, type DeliveryOptions } from '../sms/deliver';
import { applyDeliveryEffects } from '../sms/effects';
import type { SmsProvider } from '../sms/provider';
import { applyDelivery } from '../sms/records';
import { smsByIds, smsMessages } from './records';
import { type SendResult, type SmsStepItem, type StepSendContext } from './stepItem';
import { chunk, groupBy } from '../util/lists';

export interface SmsStepOptions {
  readonly provider: SmsProvider;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly backoffMs?: (attempt: number) => number;
}

type NewSms = NewItem<typeof SMSMessages> & { _id: string };

const E164 = /^\+[1-9]\d{7,14}$/;
const OPEN_STATUSES: ReadonlySet<SMSMessage['status']> = new Set(['pending', 'sending', 'held']);

/** The step's outcome from its stored record (final statuses only). */
export function resultOfSms(record: Pick<SMSMessage, '_id' | 'status' | 'error_message' | 'compliance_reason'>): SendResult {
  switch (record.status) {
    case 'queued':
    case 'sending':
    case 'sent':
    case 'delivered':
      return { kind: 'done', outcome: 'sent', messageId: record._id };
    case 'undelivered':
    case 'failed':
      return { kind: 'done', outcome: 'failed', messageId: record._id, reason: record.error_message ?? 'The SMS failed' };
    case 'blocked':
      return { kind: 'done', outcome: 'blocked', messageId: record._id, reason: record.compliance_reason ?? 'Blocked by compliance' };
    case 'canceled':
      return { kind: 'done', outcome: 'skipped', messageId: record._id, reason: record.compliance_reason ?? 'Canceled before it was sent' };
    case 'pending':
    case 'held':
      return { kind: 'done', outcome: 'failed', messageId: record._id, reason: 'The SMS was not sent' };
  }
}

/** The step's text: its template for this driver (recruiter and job values when known), the sender named. */
export function renderStepSms(item: Pick<SmsStepItem, 'step' | 'driver' | 'carrier' | 'recruiter' | 'job'>): { ok: true; body: string } | { ok: false; reason: string } {
  const values = templateValuesFor({ driver: item.driver, carrier: item.carrier, recruiter: item.recruiter, job: item.job });
  const rendered = renderTemplate({ template: item.step.message_template, channel: 'sms', values });
  if (!rendered.ok) return { ok: false, reason: rendered.reason };
  return { ok: true, body: ensureSenderIdentification(rendered.text, item.carrier.name) };
}

function newRecord(item: SmsStepItem, at: Date, fields: Pick<NewSms, 'status' | 'message_body' | 'compliance_rule' | 'compliance_reason'>): NewSms {
  return {
    _id: item.messageId,
    campaign_id: null,
    sequence_id: item.sequence._id,
    enrollment_id: item.enrollment._id,
    carrier_dot: item.enrollment.carrier_dot,
    sequence_step: item.step.step_number,
    driver_id: item.driver._id,
    phone_number: item.driver.phone ?? '',
    variant_id: null,
    twilio_sid: null,
    error_code: null,
    error_message: null,
    sent_at: null,
    delivered_at: null,
    cost: null,
    reply_received: false,
    reply_content: null,
    reply_at: null,
    opted_out: false,
    attempts: 0,
    reply_state: null,
    send_after: null,
    status_updated_at: at,
    attempted_at: fields.status === 'sending' ? at : null,
    ...(fields.message_body ? { segments: Math.max(1, countSmsSegments(fields.message_body).segments) } : {}),
    ...fields,
  };
}

/** Decides and composes the steps that have no record yet: records to write, and holds. */
async function compose(fresh: readonly SmsStepItem[], ctx: StepSendContext, results: Map<string, SendResult>): Promise<NewSms[]> {
  const records: NewSms[] = [];
  const sending: NewContactEvent[] = [];
  const groups = groupBy(fresh, (i) => `${i.enrollment.carrier_dot}|${JSON.stringify(i.plan.sendWindow ?? DEFAULT_SEND_WINDOW)}`);
  for (const group of groups.values()) {
    for (const part of chunk(group, 1000)) {
      const first = part[0];
      if (!first) continue;
      const { decisions } = await decideContactBatch(
        { channel: 'sms', carrier: first.carrier, drivers: part.map((i) => i.driver), now: ctx.now, sendWindow: first.plan.sendWindow ?? DEFAULT_SEND_WINDOW, campaignId: null },
        ctx.compliance,
      );
      part.forEach((item, i) => {
        const decision: ContactDecision = decisions[i] ?? { action: 'block', rule: 'contact.phone_missing', reason: 'no decision' };
        const phoneOk = item.driver.phone !== null && E164.test(item.driver.phone);
        if (decision.action === 'hold') {
          results.set(item.enrollment._id, { kind: 'later', until: decision.until, reason: decision.reason });
          return;
        }
        if (decision.action === 'block') {
          if (phoneOk) records.push(newRecord(item, ctx.now, { status: 'blocked', message_body: '', compliance_rule: decision.rule, compliance_reason: decision.reason }));
          results.set(item.enrollment._id, { kind: 'done', outcome: 'blocked', messageId: phoneOk ? item.messageId : null, reason: decision.reason });
          return;
        }
        const rendered = renderStepSms(item);
        if (!rendered.ok) {
          records.push(newRecord(item, ctx.now, { status: 'blocked', message_body: '', compliance_rule: 'template.missing_value', compliance_reason: rendered.reason }));
          results.set(item.enrollment._id, { kind: 'done', outcome: 'blocked', messageId: item.messageId, reason: rendered.reason });
          return;
        }
        const record = newRecord(item, ctx.now, { status: 'sending', message_body: rendered.body, compliance_rule: null, compliance_reason: null });
        records.push(record);
        sending.push(plannedContact(record, ctx.now));
      });
      // Counted by every later decision of the run (the next group, the next batches) from now on.
      ctx.ledger?.plan(sending.splice(0));
    }
  }
  return records;
}

/** Settles stored records: open ones (a killed run's `sending`) go to `left` for a lookup, final ones decide. */
function settle(stored: readonly SMSMessage[], byMessage: ReadonlyMap<string, SmsStepItem>, at: Date, results: Map<string, SendResult>, left: SMSMessage[]): void {
  for (const record of stored) {
    const item = byMessage.get(record._id);
    if (!item) continue;
    results.delete(item.enrollment._id);
    if (OPEN_STATUSES.has(record.status)) left.push({ ...record, status: 'sending', attempted_at: record.attempted_at ?? at });
    else results.set(item.enrollment._id, resultOfSms(record));
  }
}

/** A batch's SMS steps once written: their records are in place (sendable ones `sending`), nothing sent yet. */
export interface WrittenSms {
  readonly items: readonly SmsStepItem[];
  /** Steps already settled (holds, blocks, records a killed run finished). */
  readonly results: Map<string, SendResult>;
  /** Records to send: this batch's `sending` ones, then those a killed run left `sending` (looked up first). */
  readonly toSend: readonly SMSMessage[];
  readonly reconcile: ReadonlySet<string>;
}

const NOTHING_WRITTEN = (items: readonly SmsStepItem[]): WrittenSms => ({ items, results: new Map(), toSend: [], reconcile: new Set() });

/** The contact a text to send will make, for the run's ledger (ledger.ts). */
function plannedContact(record: Pick<SMSMessage, '_id' | 'carrier_dot' | 'driver_id' | 'sequence_id'>, at: Date): NewContactEvent {
  return { carrier_dot: record.carrier_dot, driver_id: record.driver_id ?? '', channel: 'sms', at, campaign_id: null, sequence_id: record.sequence_id ?? null, message_id: record._id };
}

/**
 * Decides and writes the SMS steps of a batch (nothing is sent). `recovering` (the previous run did
 * not finish): the steps' records are read first, so a step a killed run already sent is never
 * decided again (its own ContactEvent would hold it a day). Otherwise the insert itself finds them:
 * ids it skips are read back and their stored state decides.
 */
export async function writeSmsSteps(items: readonly SmsStepItem[], ctx: StepSendContext, options: { recovering?: boolean }): Promise<WrittenSms> {
  if (items.length === 0) return NOTHING_WRITTEN(items);
  const results = new Map<string, SendResult>();
  const byMessage = new Map(items.map((i) => [i.messageId, i]));
  const left: SMSMessage[] = [];
  const known = options.recovering ? await smsByIds([...byMessage.keys()]) : [];
  settle(known, byMessage, ctx.now, results, left);
  const storedIds = new Set(known.map((r) => r._id));
  const records = await compose(items.filter((i) => !storedIds.has(i.messageId)), ctx, results);
  const outcome = records.length > 0 ? await smsMessages().bulkInsert(records) : null;
  const inserted = new Set(outcome?.insertedItemIds ?? []);
  const sending = records.filter((r) => r.status === 'sending' && inserted.has(r._id)) as SMSMessage[];
  // Ids that already existed (a killed run wrote them): their stored state decides, never the new one.
  const existing = records.filter((r) => !inserted.has(r._id)).map((r) => r._id);
  settle(existing.length > 0 ? await smsByIds(existing) : [], byMessage, ctx.now, results, left);
  ctx.ledger?.plan(left.map((m) => plannedContact(m, ctx.now)));
  return { items, results, toSend: [...sending, ...left], reconcile: new Set(left.map((m) => m._id)) };
}

/**
 * Sends what `writeSmsSteps` wrote (the SMS delivery discipline of sms/deliver.ts), records every
 * outcome in one bulk update and what Twilio's refusals teach; results by enrollment id.
 */
export async function sendSmsSteps(written: WrittenSms, ctx: StepSendContext, options: SmsStepOptions): Promise<Map<string, SendResult>> {
  const { items, toSend } = written;
  const results = new Map(written.results);
  if (toSend.length === 0) return results;
  const byMessage = new Map(items.map((i) => [i.messageId, i]));
  const sleep = options.sleep ?? realSleep;
  const delivery: DeliveryOptions = {
    concurrency: options.concurrency ?? 20,
    maxAttempts: options.maxAttempts ?? 5,
    sleep,
    backoffMs: options.backoffMs ?? jitteredBackoff(250, 4_000),
    pacer: createPacer({ perMinute: 600_000, senderPerSecond: null, sleep }),
  };
  const deliveries = await deliverWave({
    provider: options.provider,
    // Sequence statuses are reconciled in bulk by the SMS job (no per-message StatusCallback).
    messages: toSend.map((m) => ({ id: m._id, to: m.phone_number, body: m.message_body, statusCallback: null, attemptedAt: m.attempted_at ?? ctx.now })),
    reconcile: written.reconcile,
    options: delivery,
    recordedElsewhere: async (sid) => (await smsMessages().count((q) => q.eq('twilio_sid', sid))) > 0,
  });
  const done = ctx.now;
  const updated = toSend.map((record, i) => {
    const d = deliveries[i];
    return d ? applyDelivery(record, d, done) : record;
  });
  const notSent = updated.filter((m) => m.status === 'failed' || !m.twilio_sid).map((m) => m._id);
  await smsMessages().bulkUpdate(updated);
  ctx.ledger?.forget(notSent);
  for (const [carrierDot, group] of groupBy(updated, (m) => m.carrier_dot)) {
    const carrier = items.find((i) => i.enrollment.carrier_dot === carrierDot)?.carrier;
    // `last_sms_at` goes into the batch's one driver update (tags.ts) when the batch collects it.
    if (carrier) await applyDeliveryEffects({ carrier, campaignId: null, updated: group, compliance: ctx.compliance, at: done, mirrorLastSms: !ctx.texted });
  }
  for (const record of updated) {
    const item = byMessage.get(record._id);
    if (item) results.set(item.enrollment._id, resultOfSms(record));
  }
  ctx.texted?.(updated.filter((m) => m.status !== 'failed' && m.twilio_sid && m.driver_id).map((m) => m.driver_id ?? ''));
  return results;
}

/** Writes, then sends, the SMS steps of a batch; results by enrollment id. */
export async function runSmsSteps(items: readonly SmsStepItem[], ctx: StepSendContext, options: SmsStepOptions & { recovering?: boolean }): Promise<Map<string, SendResult>> {
  return sendSmsSteps(await writeSmsSteps(items, ctx, options), ctx, options);
}
