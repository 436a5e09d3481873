/**
 * The engagement facts of a batch of due enrollments, read in bulk. Only what the batch's plans
 * need is read (docs/sequences.md, "data requests per batch"):
 * - replies (the `replied` / `inactive` exits, `if_no_reply`): the DriverProfiles mirror
 *   `last_reply_at` (already read with the drivers) and SMSMessages with `reply_received` to the
 *   batch's phones since the earliest enrollment — one read per carrier in the batch;
 * - applications (the `applied` / `inactive` exits): the DriverProfiles mirror `last_applied_at`
 *   (kept by the JobApplications insert hook), already read with the drivers;
 * - opens and clicks (`if_not_opened` / `if_not_clicked`, `inactive`): the enrollment's own earlier
 *   emails, by their deterministic ids — one read per 1000 ids, which also fetches the due email
 *   steps' own records (a killed run may have written them; emailSteps.ts decides on them);
 * - hired / inactive profile, SMS opt-out: the DriverProfiles fields `status`, `sms_opted_out_at`;
 * - email suppression (the `unsubscribed` exit; email steps are blocked by it): the mirror
 *   `email_suppressed_reason`, and — because the mirror follows a suppression by up to one run of
 *   `processEmailSuppressions` — EmailSuppressions for the drivers' current addresses without a mirror,
 *   when the plan enables the exit or the due step is an email: one read per carrier in the batch.
 * Email replies are not tracked (no inbound email in this system), so "replied" means an SMS reply.
 */
import type { EmailMessage, EmailSequenceEnrollment } from '../collections/email';
import type { DriverProfile } from '../collections/people';
import type { SequenceStep } from '../collections/sequence-steps';
import { activeSuppressionsOf } from '../email/suppressionRecords';
import { MAX_PAGE_SIZE } from '../platform/data';
import { stepsAtOnce, type EngagementFacts, type SequencePlan } from './engine';
import { emailsByIds, smsMessages, stepMessageId } from './records';
import { chunk, groupBy } from '../util/lists';

export interface FactRequest {
  readonly enrollment: Pick<EmailSequenceEnrollment, '_id' | 'carrier_dot' | 'current_step' | 'enrolled_at'>;
  readonly plan: SequencePlan;
  readonly driver: DriverProfile;
}

interface Needs {
  readonly replies: boolean;
  readonly emails: boolean;
}

function exitEnabled(plan: SequencePlan, type: string): boolean {
  return plan.exitConditions.some((c) => c.type === type && c.enabled);
}

/** The due step and the steps the batch may run at once after it (engine.ts `stepsAtOnce`): the facts serve them all. */
function dueSteps(r: FactRequest): SequenceStep[] {
  return stepsAtOnce(r.plan, r.enrollment.current_step);
}

export function needsOf(r: FactRequest): Needs {
  const inactive = exitEnabled(r.plan, 'inactive');
  const conditions = dueSteps(r).map((s) => s.conditions);
  return {
    replies: inactive || exitEnabled(r.plan, 'replied') || conditions.some((c) => c?.if_no_reply === true),
    emails: inactive || conditions.some((c) => c?.if_not_opened === true || c?.if_not_clicked === true),
  };
}

const latest = (a: Date | null | undefined, b: Date | null | undefined): Date | null => {
  if (!a) return b ?? null;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
};

function earliestEnrollment(list: readonly FactRequest[]): Date {
  return new Date(Math.min(...list.map((r) => r.enrollment.enrolled_at.getTime())));
}

/** Latest SMS reply per phone of one carrier since `since`. */
async function smsRepliesByPhone(carrierDot: string, phones: readonly string[], since: Date): Promise<{ byPhone: Map<string, Date>; reads: number }> {
  const byPhone = new Map<string, Date>();
  let reads = 0;
  for (const part of chunk([...new Set(phones)], MAX_PAGE_SIZE)) {
    for await (const page of smsMessages().pages((q) => q.eq('carrier_dot', carrierDot).hasSome('phone_number', part).eq('reply_received', true).ge('reply_at', since))) {
      reads += 1;
      for (const m of page) if (m.reply_at) byPhone.set(m.phone_number, latest(byPhone.get(m.phone_number), m.reply_at) ?? m.reply_at);
    }
  }
  return { byPhone, reads: Math.max(reads, 1) };
}

/** The driver's current address when the batch must look it up in EmailSuppressions (no mirror yet, and the suppression matters here). */
function addressToCheck(r: FactRequest): string | null {
  const email = r.driver.email?.trim().toLowerCase();
  if (!email || r.driver.email_suppressed_reason) return null;
  return exitEnabled(r.plan, 'unsubscribed') || dueSteps(r).some((s) => s.step_type === 'email') ? email : null;
}

/** Drivers whose current address the carrier may not email, per EmailSuppressions (one read per carrier with addresses to check). */
async function suppressedDrivers(list: readonly FactRequest[]): Promise<{ ids: Set<string>; reads: number }> {
  const ids = new Set<string>();
  let reads = 0;
  for (const [carrierDot, group] of groupBy(list, (r) => r.enrollment.carrier_dot)) {
    const checked = group.flatMap((r) => {
      const address = addressToCheck(r);
      return address ? [{ r, address }] : [];
    });
    if (checked.length === 0) continue;
    const active = await activeSuppressionsOf(carrierDot, checked.map((c) => c.address));
    reads += Math.ceil(new Set(checked.map((c) => c.address)).size / MAX_PAGE_SIZE);
    for (const { r, address } of checked) if (active.has(address)) ids.add(r.driver._id);
  }
  return { ids, reads };
}

/** Ids of the emails this enrollment sent before its due step (deterministic: `<enrollment>.s<n>`). */
function earlierEmailIds(r: FactRequest): string[] {
  return r.plan.steps
    .slice(0, Math.max(0, r.enrollment.current_step - 1))
    .filter((s) => s.step_type === 'email')
    .map((s) => stepMessageId(r.enrollment._id, s.step_number));
}

/**
 * Facts per enrollment id, and the data requests spent. `alsoEmailIds` (the due email steps' own
 * record ids) are read in the same EmailMessages request; every record read is returned in `emails`.
 */
export async function readFacts(list: readonly FactRequest[], alsoEmailIds: readonly string[] = []): Promise<{ facts: Map<string, EngagementFacts>; emails: Map<string, EmailMessage>; reads: number }> {
  let reads = 0;
  const replies = new Map<string, Date>();
  for (const [carrierDot, group] of groupBy(list, (r) => r.enrollment.carrier_dot)) {
    const wantReplies = group.filter((r) => needsOf(r).replies && r.driver.phone);
    if (wantReplies.length > 0) {
      const found = await smsRepliesByPhone(carrierDot, wantReplies.map((r) => r.driver.phone ?? ''), earliestEnrollment(wantReplies));
      reads += found.reads;
      for (const r of wantReplies) {
        const at = found.byPhone.get(r.driver.phone ?? '');
        if (at) replies.set(r.driver._id, at);
      }
    }
  }
  const emailIds = [...list.filter((r) => needsOf(r).emails).flatMap(earlierEmailIds), ...alsoEmailIds];
  const [emails, suppressed] = await Promise.all([emailIds.length > 0 ? emailsByIds(emailIds) : Promise.resolve([]), suppressedDrivers(list)]);
  if (emailIds.length > 0) reads += Math.ceil(new Set(emailIds).size / MAX_PAGE_SIZE);
  reads += suppressed.reads;
  const emailsByEnrollment = new Map<string, typeof emails>();
  for (const m of emails) {
    const key = m.enrollment_id ?? '';
    emailsByEnrollment.set(key, [...(emailsByEnrollment.get(key) ?? []), m]);
  }
  const facts = new Map<string, EngagementFacts>();
  for (const r of list) {
    const own = emailsByEnrollment.get(r.enrollment._id) ?? [];
    const repliedAt = latest(r.driver.last_reply_at ?? null, replies.get(r.driver._id));
    const appliedAt = r.driver.last_applied_at ?? null;
    const engagedAt = own.reduce<Date | null>((acc, m) => latest(latest(acc, m.opened_at), m.clicked_at), null);
    facts.set(r.enrollment._id, {
      repliedAt,
      appliedAt,
      hired: r.driver.status === 'hired',
      profileInactive: r.driver.status === 'inactive',
      unsubscribed: Boolean(r.driver.email_suppressed_reason) || suppressed.ids.has(r.driver._id),
      optedOut: Boolean(r.driver.sms_opted_out_at),
      emailOpened: own.some((m) => m.opened),
      emailClicked: own.some((m) => m.clicked),
      lastActivityAt: latest(latest(repliedAt, appliedAt), engagedAt),
    });
  }
  return { facts, emails: new Map(emails.map((m) => [m._id, m])), reads };
}
