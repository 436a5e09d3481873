/**
 * Executing one prepared batch of due enrollments (≤ 1000; prepare.ts read what it needs), each
 * (enrollment, step) run exactly once:
 *
 *   plan each enrollment's due step (engine.ts)
 *   → SMS / email steps: message records with deterministic ids written BEFORE any provider call,
 *     then the calls, then the records updated (smsSteps.ts, emailSteps.ts); the contacts both
 *     channels made go into one ContactEvents insert
 *   → one driver update (`last_sms_at`, `last_email_at`, completion tags: tags.ts)
 *   → re-read the enrollments and write every advance in one bulk update (only those still
 *     `active` at the step they were claimed at, the history entry appended to the stored history);
 *     the caller syncs the touched sequences' counters.
 *
 * Why exactly once: a step's message id is `<enrollment>.s<step_number>` and the enrollment only
 * moves past the step in the last write. A run killed before that write leaves the enrollment at the
 * step; the rerun finds the record: final → it advances without sending; `sending` / unconfirmed →
 * looked up at the provider (SMS) or resolved from SendGrid's events (email), never blindly resent;
 * no record → nothing was sent, it sends. A run killed after that write has nothing left to do for
 * the step. Wait / condition / skipped steps have no side effect but the advance itself.
 */
import type { EmailMessage, EmailSequenceEnrollment } from '../collections/email';
import type { StepHistoryEntry } from '../collections/sequence-steps';
import type { StepOutcome } from '../collections/vocabulary';
import { recipientLocation, type ComplianceStore } from '../outreach';
import type { NewContactEvent } from '../outreach/compliance';
import { advanceAfter, branchOutcome, convertedAt, planStep, type ExitReason, type StepPlan } from './engine';
import { runEmailSteps } from './emailSteps';
import type { SequenceChannels } from './ports';
import type { Claimed, Loaded, PreparedBatch } from './prepare';
import { enrollments, enrollmentsByIds, indexById, stepMessageId } from './records';
import { runSmsSteps, type SmsStepOptions } from './smsSteps';
import type { EmailStepItem, SendResult, SmsStepItem } from './stepItem';
import { readBatchDrivers, writeBatchDrivers } from './tags';

const HOUR_MS = 60 * 60_000;
const MIN_RESCHEDULE_MS = 60_000;

export interface BatchOptions {
  readonly channels: SequenceChannels;
  readonly compliance: ComplianceStore;
  readonly now: Date;
  readonly sms?: Omit<SmsStepOptions, 'provider'>;
  /** The previous run did not finish: read step records before deciding (smsSteps.ts). */
  readonly recovering?: boolean;
}

export interface BatchReport {
  readonly claimed: number;
  /** Enrollments written (advanced, rescheduled, completed or exited). */
  readonly written: number;
  readonly steps: Readonly<Record<StepOutcome, number>>;
  readonly exited: number;
  readonly completed: number;
  readonly rescheduled: number;
  /** Sequences whose enrollments changed (their counters need a sync). */
  readonly touchedSequences: readonly string[];
  /** Sequences found not active (paused or draft): their enrollments are left for when they resume. */
  readonly inactiveSequences: readonly string[];
}

/** What to write for one enrollment; `entry` is appended to its stored history. */
type Change = Partial<Pick<EmailSequenceEnrollment, 'status' | 'current_step' | 'next_step_at' | 'last_step_at' | 'exit_reason' | 'finished_at' | 'converted_at' | 'converted'>> & { entry?: StepHistoryEntry };

export function emptySteps(): Record<StepOutcome, number> {
  return { sent: 0, skipped: 0, held: 0, blocked: 0, failed: 0, waited: 0, condition_true: 0, condition_false: 0 };
}

function exitChange(reason: ExitReason, at: Date): Change {
  return { status: 'exited', exit_reason: reason, next_step_at: null, finished_at: at };
}

function advanceChange(l: Loaded, input: { position: number; outcome: StepOutcome; at: Date; messageId?: string | null; reason?: string; skip?: number; exit?: ExitReason }): Change {
  const advance = advanceAfter({ plan: l.plan, position: input.position, outcome: input.outcome, at: input.at, location: recipientLocation(l.driver), messageId: input.messageId ?? null, ...(input.reason ? { reason: input.reason } : {}), skip: input.skip ?? 0 });
  if (input.exit) return { ...exitChange(input.exit, input.at), current_step: input.position, last_step_at: input.at, entry: advance.entry };
  return {
    status: advance.status,
    current_step: advance.currentStep,
    next_step_at: advance.nextStepAt,
    last_step_at: input.at,
    entry: advance.entry,
    ...(advance.status === 'completed' ? { finished_at: input.at } : {}),
  };
}

function changeForPlan(l: Loaded, plan: StepPlan, at: Date): Change | null {
  switch (plan.kind) {
    case 'exit':
      return exitChange(plan.reason, at);
    case 'complete':
      return { status: 'completed', current_step: l.plan.steps.length + 1, next_step_at: null, finished_at: at };
    case 'skip':
      return advanceChange(l, { position: plan.position, outcome: 'skipped', at, reason: plan.reason });
    case 'wait':
      return advanceChange(l, { position: plan.position, outcome: 'waited', at });
    case 'branch': {
      const branch = branchOutcome(plan);
      return advanceChange(l, { position: plan.position, outcome: branch.outcome, at, reason: plan.reason, skip: branch.skip, ...(branch.exit ? { exit: 'condition' as const } : {}) });
    }
    case 'send':
      return null;
    default: {
      const unreachable: never = plan;
      return unreachable;
    }
  }
}

function changeForResult(l: Loaded, position: number, result: SendResult, at: Date): Change {
  switch (result.kind) {
    case 'later':
      // Never due again within this run: a run only moves forward.
      return { next_step_at: new Date(Math.max(result.until.getTime(), at.getTime() + MIN_RESCHEDULE_MS)) };
    case 'done':
      return advanceChange(l, { position, outcome: result.outcome, at, messageId: result.messageId, ...(result.reason ? { reason: result.reason } : {}) });
  }
}

function notConfigured(now: Date, reason: string): SendResult {
  return { kind: 'later', until: new Date(now.getTime() + HOUR_MS), reason };
}

interface Sent {
  readonly results: Map<string, SendResult>;
  readonly texted: string[];
  readonly emailed: string[];
  /** The contacts both channels made, for one ContactEvents insert. */
  readonly contacts: NewContactEvent[];
}

/**
 * Runs the SMS and the email steps side by side; both finish (or fail) before this returns. The
 * contacts both channels record (ContactEvents) are collected for one insert (by the caller, or
 * here when a channel failed: what was sent is recorded either way).
 */
async function runSends(sms: SmsStepItem[], email: EmailStepItem[], options: BatchOptions, knownEmails: ReadonlyMap<string, EmailMessage>): Promise<Sent> {
  const sent: Sent = { results: new Map(), texted: [], emailed: [], contacts: [] };
  const compliance: ComplianceStore = { ...options.compliance, recordContacts: async (events) => (sent.contacts.push(...events), { writes: 0 }) };
  const ctx = { now: options.now, compliance, emailed: (ids: readonly string[]) => void sent.emailed.push(...ids), texted: (ids: readonly string[]) => void sent.texted.push(...ids) };
  const provider = options.channels.sms;
  const smsRun = provider ? runSmsSteps(sms, ctx, { ...options.sms, provider, recovering: options.recovering === true }) : Promise.resolve(new Map(sms.map((i) => [i.enrollment._id, notConfigured(options.now, 'SMS is not configured (Twilio secrets)')])));
  const settled = await Promise.allSettled([smsRun, runEmailSteps(email, ctx, options.channels.email, knownEmails)]);
  for (const s of settled) {
    if (s.status === 'rejected') {
      // What was sent is recorded even when the other channel failed (a rerun re-records harmlessly: ids are deterministic).
      if (sent.contacts.length > 0) await options.compliance.recordContacts(sent.contacts);
      throw s.reason;
    }
    for (const [k, v] of s.value) sent.results.set(k, v);
  }
  return sent;
}

/** The completion tags of the enrollments this batch completes, by driver. */
function completionTags(batch: readonly Claimed[], changes: ReadonlyMap<string, Change>, loaded: ReadonlyMap<string, Loaded>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of batch) {
    const tag = loaded.get(e._id)?.sequence.completion_tag;
    if (!tag || changes.get(e._id)?.status !== 'completed') continue;
    out.set(e.driver_id, new Set([...(out.get(e.driver_id) ?? []), tag]));
  }
  return out;
}

/** Writes the changes of enrollments still `active` at the step they were claimed at (`fresh`: them as stored now). */
async function writeChanges(batch: readonly Claimed[], changes: ReadonlyMap<string, Change>, fresh: readonly EmailSequenceEnrollment[]): Promise<{ written: EmailSequenceEnrollment[]; entries: StepHistoryEntry[] }> {
  const claimed = indexById(batch);
  const written: EmailSequenceEnrollment[] = [];
  const entries: StepHistoryEntry[] = [];
  for (const current of fresh) {
    const before = claimed.get(current._id);
    const change = changes.get(current._id);
    // Removed, exited by a webhook or moved on meanwhile: its own writer's state stands.
    if (!before || !change || current.status !== 'active' || current.current_step !== before.current_step) continue;
    const { entry, ...fields } = change;
    written.push({ ...current, ...fields, step_history: entry ? [...current.step_history, entry] : current.step_history });
    if (entry) entries.push(entry);
  }
  if (written.length > 0) await enrollments().bulkUpdate(written);
  return { written, entries };
}

export async function runStepBatch(prepared: PreparedBatch, options: BatchOptions): Promise<BatchReport> {
  const at = options.now;
  const { batch, loaded } = prepared;
  const changes = new Map<string, Change>();
  for (const [id, blocked] of prepared.blocked) changes.set(id, 'exit' in blocked ? exitChange(blocked.exit, at) : { next_step_at: blocked.retryAt });
  const sms: SmsStepItem[] = [];
  const email: EmailStepItem[] = [];
  for (const e of batch) {
    const l = loaded.get(e._id);
    if (!l) continue;
    const plan = planStep({ plan: l.plan, position: e.current_step, enrolledAt: e.enrolled_at, facts: l.facts, now: at });
    const change = changeForPlan(l, plan, at);
    if (change) changes.set(e._id, change);
    if (plan.kind !== 'send') continue;
    const base = { enrollment: e, ...l, position: plan.position, messageId: stepMessageId(e._id, plan.step.step_number) };
    if (plan.step.step_type === 'sms') sms.push({ ...base, step: plan.step });
    else email.push({ ...base, step: plan.step });
  }
  const sent = await runSends(sms, email, options, prepared.stepEmails);
  for (const item of [...sms, ...email]) {
    const result = sent.results.get(item.enrollment._id);
    const l = loaded.get(item.enrollment._id);
    if (result && l) changes.set(item.enrollment._id, changeForResult(l, item.position, result, at));
  }
  for (const e of batch) {
    const l = loaded.get(e._id);
    const converted = l && !e.converted_at ? convertedAt(l.facts, e.enrolled_at, at) : null;
    if (converted) changes.set(e._id, { ...changes.get(e._id), converted_at: converted, converted: 1 });
  }
  // The contacts insert, and the two reads (drivers, enrollments as stored now) at once; then the
  // driver update (mirrors, tags) before the enrollments advance.
  const driverChanges = { emailed: sent.emailed, texted: sent.texted, tags: completionTags(batch, changes, loaded), at };
  const [currentDrivers, fresh] = await Promise.all([
    readBatchDrivers(driverChanges),
    enrollmentsByIds([...changes.keys()]),
    sent.contacts.length > 0 ? options.compliance.recordContacts(sent.contacts) : Promise.resolve({ writes: 0 }),
  ]);
  await writeBatchDrivers(driverChanges, currentDrivers);
  const { written, entries } = await writeChanges(batch, changes, fresh);
  const steps = emptySteps();
  for (const entry of entries) steps[entry.outcome] += 1;
  const claimed = indexById(batch);
  return {
    claimed: batch.length,
    written: written.length,
    steps,
    exited: written.filter((w) => w.status === 'exited').length,
    completed: written.filter((w) => w.status === 'completed').length,
    rescheduled: written.filter((w) => w.status === 'active' && w.current_step === claimed.get(w._id)?.current_step).length,
    touchedSequences: [...new Set(written.map((w) => w.sequence_id))],
    inactiveSequences: prepared.inactiveSequences,
  };
}
