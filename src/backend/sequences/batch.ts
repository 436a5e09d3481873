/**
 * Executing one prepared batch of due enrollments (≤ 1000; prepare.ts read what it needs), each
 * (enrollment, step) run exactly once, in three stages the step job pipelines (job.ts):
 *
 *   write  — plan each enrollment's due step (and the side-effect-free steps due at once after it:
 *            changes.ts); SMS / email steps: compliance, then their message records with
 *            deterministic ids written BEFORE any provider call (smsSteps.ts, emailSteps.ts);
 *   send   — the provider calls, then the records updated with the outcomes; the contacts both
 *            channels made are collected;
 *   finish — one ContactEvents insert, one driver update (`last_sms_at`, `last_email_at`,
 *            completion tags: tags.ts), then re-read the enrollments and write every advance in one
 *            bulk update (only those still `active` at the step they were claimed at, the history
 *            entries appended to the stored history); the caller syncs the touched sequences' counters.
 *
 * Why exactly once: a step's message id is `<enrollment>.s<step_number>` and the enrollment only
 * moves past the step in the last write. A run killed before that write leaves the enrollment at the
 * step; the rerun finds the record: final → it advances without sending; `sending` / unconfirmed →
 * looked up at the provider (SMS) or resolved from SendGrid's events (email), never blindly resent;
 * no record → nothing was sent, it sends. A run killed after that write has nothing left to do for
 * the step. Wait / condition / skipped steps have no side effect but the advance itself. This holds
 * per batch whatever the other batches of the run are doing: pipelined batches hold disjoint
 * enrollments, and each follows the order above.
 */
import type { EmailSequenceEnrollment } from '../collections/email';
import type { StepOutcome } from '../collections/vocabulary';
import type { ComplianceStore } from '../outreach';
import type { NewContactEvent } from '../outreach/compliance';
import { changeForResult, completionTags, emptySteps, exitChange, mergeChange, planSteps, writeChanges, type Change } from './changes';
import type { CounterChange } from './counters';
import { convertedAt } from './engine';
import { sendEmailSteps, writeEmailSteps, type WrittenEmails } from './emailSteps';
import { createContactLedger, type ContactLedger } from './ledger';
import type { SequenceChannels } from './ports';
import type { PreparedBatch } from './prepare';
import { enrollmentsByIds, indexById, stepMessageId } from './records';
import { sendSmsSteps, writeSmsSteps, type SmsStepOptions, type WrittenSms } from './smsSteps';
import type { EmailStepItem, SendResult, SmsStepItem, StepSendContext } from './stepItem';
import { readBatchDrivers, writeBatchDrivers } from './tags';

export { emptySteps } from './changes';

const HOUR_MS = 60 * 60_000;

export interface BatchOptions {
  readonly channels: SequenceChannels;
  readonly compliance: ComplianceStore;
  readonly now: Date;
  readonly sms?: Omit<SmsStepOptions, 'provider'>;
  /** The previous run did not finish: read step records before deciding (smsSteps.ts). */
  readonly recovering?: boolean;
  /** The run's planned contacts, shared by its pipelined batches (ledger.ts); a batch run alone keeps its own. */
  readonly ledger?: ContactLedger;
}

export interface BatchReport {
  readonly claimed: number;
  /** Enrollments written (advanced, rescheduled, completed or exited). */
  readonly written: number;
  readonly steps: Readonly<Record<StepOutcome, number>>;
  readonly exited: number;
  readonly completed: number;
  readonly rescheduled: number;
  /** Enrollments written active with their next step already due (a later claim of the run may take them). */
  readonly dueAgain: number;
  /** Sequences whose enrollments changed (their counters need a sync). */
  readonly touchedSequences: readonly string[];
  /** What the batch's writes changed in those sequences' counters (told to the counter sync). */
  readonly counterChanges: ReadonlyMap<string, CounterChange>;
  /** Sequences found not active (paused or draft): their enrollments are left for when they resume. */
  readonly inactiveSequences: readonly string[];
}

/** What the channels report while sending: collected for the batch's one ContactEvents insert and one driver update. */
interface Collected {
  readonly texted: string[];
  readonly emailed: string[];
  readonly contacts: NewContactEvent[];
}

/** A batch whose message records are written; nothing has been sent. */
export interface WrittenBatch {
  readonly prepared: PreparedBatch;
  readonly options: BatchOptions;
  /** By enrollment: what its steps without side effect changed (a message step's result is merged in later). */
  readonly changes: Map<string, Change>;
  readonly sms: readonly SmsStepItem[];
  readonly email: readonly EmailStepItem[];
  readonly writtenSms: WrittenSms;
  readonly writtenEmails: WrittenEmails;
  readonly ctx: StepSendContext;
  readonly collected: Collected;
}

/** A batch whose provider calls are done and recorded on the message records. */
export interface SentBatch {
  readonly written: WrittenBatch;
  readonly results: ReadonlyMap<string, SendResult>;
}

function notConfigured(items: readonly SmsStepItem[], now: Date): WrittenSms {
  const results = new Map<string, SendResult>(items.map((i) => [i.enrollment._id, { kind: 'later', until: new Date(now.getTime() + HOUR_MS), reason: 'SMS is not configured (Twilio secrets)' }]));
  return { items, results, toSend: [], reconcile: new Set() };
}

/** Stage 1: plans every enrollment of the batch, decides its message steps and writes their records. */
export async function writeStepBatch(prepared: PreparedBatch, options: BatchOptions): Promise<WrittenBatch> {
  const at = options.now;
  const { batch, loaded } = prepared;
  const changes = new Map<string, Change>();
  for (const [id, blocked] of prepared.blocked) changes.set(id, 'exit' in blocked ? exitChange(blocked.exit, at) : { next_step_at: blocked.retryAt });
  const sms: SmsStepItem[] = [];
  const email: EmailStepItem[] = [];
  for (const e of batch) {
    const l = loaded.get(e._id);
    if (!l) continue;
    const planned = planSteps({ l, enrollment: e, at, emailRead: (id) => prepared.emailIdsRead.has(id) });
    if (planned.change) changes.set(e._id, planned.change);
    if (!planned.send) continue;
    const { step, position } = planned.send;
    const base = { enrollment: e, ...l, position, messageId: stepMessageId(e._id, step.step_number) };
    if (step.step_type === 'sms') sms.push({ ...base, step });
    else email.push({ ...base, step });
  }
  const ledger = options.ledger ?? createContactLedger(options.compliance);
  const collected: Collected = { texted: [], emailed: [], contacts: [] };
  // The channels' ContactEvents are collected for the batch's one insert (finishStepBatch).
  const compliance: ComplianceStore = { ...ledger.store, recordContacts: async (events) => (collected.contacts.push(...events), { writes: 0 }) };
  const ctx: StepSendContext = {
    now: at,
    compliance,
    ledger,
    emailed: (ids) => void collected.emailed.push(...ids),
    texted: (ids) => void collected.texted.push(...ids),
  };
  const provider = options.channels.sms;
  const [writtenSms, writtenEmails] = await Promise.all([
    provider ? writeSmsSteps(sms, ctx, { recovering: options.recovering === true }) : Promise.resolve(notConfigured(sms, at)),
    // The records prepare.ts read decide; should any step's record not have been read, all are read again.
    writeEmailSteps(email, ctx, options.channels.email, email.every((i) => prepared.emailIdsRead.has(i.messageId)) ? prepared.stepEmails : null),
  ]);
  return { prepared, options, changes, sms, email, writtenSms, writtenEmails, ctx, collected };
}

/**
 * Stage 2: the SMS and the email sends side by side; both finish (or fail) before this returns.
 * When a channel fails, what the other one sent is still recorded as contacts before the error.
 */
export async function sendStepBatch(written: WrittenBatch): Promise<SentBatch> {
  const { options, ctx } = written;
  const provider = options.channels.sms;
  const smsRun = provider ? sendSmsSteps(written.writtenSms, ctx, { ...options.sms, provider }) : Promise.resolve(written.writtenSms.results);
  const settled = await Promise.allSettled([smsRun, sendEmailSteps(written.writtenEmails, ctx, options.channels.email)]);
  const results = new Map<string, SendResult>();
  for (const s of settled) {
    if (s.status === 'rejected') {
      // Recorded again by a rerun harmlessly: ContactEvents ids are deterministic.
      if (written.collected.contacts.length > 0) await options.compliance.recordContacts(written.collected.contacts);
      throw s.reason;
    }
    for (const [k, v] of s.value) results.set(k, v);
  }
  return { written, results };
}

/** Stage 3: contacts, drivers, then the enrollments advance. */
export async function finishStepBatch(sent: SentBatch): Promise<BatchReport> {
  const { written, results } = sent;
  const { prepared, options, changes, collected } = written;
  const at = options.now;
  const { batch, loaded } = prepared;
  for (const item of [...written.sms, ...written.email]) {
    const result = results.get(item.enrollment._id);
    const l = loaded.get(item.enrollment._id);
    if (result && l) changes.set(item.enrollment._id, changeForResult(l, item.position, result, at, changes.get(item.enrollment._id) ?? null));
  }
  for (const e of batch) {
    const l = loaded.get(e._id);
    const converted = l && !e.converted_at ? convertedAt(l.facts, e.enrolled_at, at) : null;
    if (converted) changes.set(e._id, mergeChange(changes.get(e._id), { converted_at: converted, converted: 1 }));
  }
  // The contacts insert, and the two reads (drivers, enrollments as stored now) at once; then the
  // driver update (mirrors, tags) before the enrollments advance.
  const driverChanges = { emailed: collected.emailed, texted: collected.texted, tags: completionTags(batch, changes, loaded), at };
  const [currentDrivers, fresh] = await Promise.all([
    readBatchDrivers(driverChanges),
    enrollmentsByIds([...changes.keys()]),
    collected.contacts.length > 0 ? options.compliance.recordContacts(collected.contacts) : Promise.resolve({ writes: 0 }),
  ]);
  await writeBatchDrivers(driverChanges, currentDrivers);
  const { written: stored, entries, counters } = await writeChanges(batch, changes, fresh);
  return reportOf(prepared, stored, entries.map((e) => e.outcome), counters, at);
}

function reportOf(prepared: PreparedBatch, written: readonly EmailSequenceEnrollment[], outcomes: readonly StepOutcome[], counters: ReadonlyMap<string, CounterChange>, at: Date): BatchReport {
  const steps = emptySteps();
  for (const outcome of outcomes) steps[outcome] += 1;
  const claimed = indexById(prepared.batch);
  return {
    claimed: prepared.batch.length,
    written: written.length,
    steps,
    exited: written.filter((w) => w.status === 'exited').length,
    completed: written.filter((w) => w.status === 'completed').length,
    rescheduled: written.filter((w) => w.status === 'active' && w.current_step === claimed.get(w._id)?.current_step).length,
    dueAgain: written.filter((w) => w.status === 'active' && w.next_step_at && w.next_step_at.getTime() <= at.getTime()).length,
    touchedSequences: [...new Set(written.map((w) => w.sequence_id))],
    counterChanges: counters,
    inactiveSequences: prepared.inactiveSequences,
  };
}

/** The three stages one after the other (a batch on its own). */
export async function runStepBatch(prepared: PreparedBatch, options: BatchOptions): Promise<BatchReport> {
  return finishStepBatch(await sendStepBatch(await writeStepBatch(prepared, options)));
}
