/**
 * Enrolling drivers, idempotently and in bulk: the enrollment id is `<sequence>.<driver>` (and
 * (sequence_id, driver_id) is a unique index), so enrolling twice — a retried call, a trigger that
 * fires again, two recruiters at once — inserts one item; the second is reported `already_enrolled`.
 * One enrollment per person: a profile whose phone or address belongs to a profile already enrolled
 * (or earlier in the same call) is skipped as `duplicate_contact`.
 * Per call of ≤ 1000 drivers: one read of the drivers, two for the duplicate check, one of
 * EmailSuppressions when the sequence enables the `unsubscribed` exit (the drivers' mirror follows a
 * suppression by up to one run of `processEmailSuppressions`), one bulk insert, then the counters sync.
 * New enrollments run the sequence's current version; their first step is due its delay after
 * enrollment, in its channel's window.
 */
import type { EmailSequence, EmailSequenceEnrollment } from '../collections/email';
import type { DriverProfile } from '../collections/people';
import type { SequenceTriggerType } from '../collections/vocabulary';
import { activeSuppressionsOf } from '../email/suppressionRecords';
import { recipientLocation } from '../outreach';
import type { NewItem } from '../platform/data';
import type { EmailSequenceEnrollments } from '../collections/email';
import { exitFor, firstDueAt, NO_ENGAGEMENT } from './engine';
import { syncSequenceCounters } from './counters';
import { drivers, driversByIds, enrollmentIdOf, enrollments, enrollmentsByIds } from './records';
import { currentPlan } from './versions';

export const MAX_ENROLL_PER_CALL = 1000;

export type EnrollSkipReason = 'already_enrolled' | 'driver_not_found' | 'hired' | 'inactive' | 'unsubscribed' | 'opted_out' | 'duplicate_in_request' | 'duplicate_contact';

export interface EnrollResult {
  /** Enrollment ids created by this call. */
  readonly enrolled: string[];
  readonly skipped: { readonly driverId: string; readonly reason: EnrollSkipReason }[];
}

type NewEnrollment = NewItem<typeof EmailSequenceEnrollments> & { _id: string };

/** The exits that already apply from the driver profile alone (and its address's suppression): such a driver is not enrolled. */
function profileExit(sequence: EmailSequence, driver: DriverProfile, now: Date, suppressed: ReadonlySet<string>): EnrollSkipReason | null {
  const plan = currentPlan(sequence);
  const facts = {
    ...NO_ENGAGEMENT,
    hired: driver.status === 'hired',
    profileInactive: driver.status === 'inactive',
    unsubscribed: Boolean(driver.email_suppressed_reason) || suppressed.has(driver._id),
    optedOut: Boolean(driver.sms_opted_out_at),
  };
  const exit = exitFor({ plan, enrolledAt: now, facts, now });
  switch (exit?.reason) {
    case undefined:
    case 'replied':
    case 'applied':
      return null;
    case 'hired':
    case 'inactive':
    case 'unsubscribed':
    case 'opted_out':
      return exit.reason;
  }
}

export function newEnrollment(input: { sequence: EmailSequence; driver: DriverProfile; via: SequenceTriggerType; by: string | null; now: Date }): NewEnrollment {
  const { sequence, driver, via, by, now } = input;
  const plan = currentPlan(sequence);
  return {
    _id: enrollmentIdOf(sequence._id, driver._id),
    sequence_id: sequence._id,
    driver_id: driver._id,
    carrier_dot: sequence.carrier_dot,
    current_step: 1,
    status: 'active',
    exit_reason: null,
    enrolled_at: now,
    last_step_at: null,
    next_step_at: firstDueAt({ plan, enrolledAt: now, location: recipientLocation(driver) }),
    step_history: [],
    sequence_version: plan.version,
    enrolled_via: via,
    enrolled_by: by,
    converted: 0,
  };
}

/** A driver's phone and address: two profiles sharing one are the same person imported twice. */
function contactKeys(driver: Pick<DriverProfile, 'phone' | 'email'>): string[] {
  return [driver.phone ? `p:${driver.phone}` : null, driver.email ? `e:${driver.email.trim().toLowerCase()}` : null].filter((k): k is string => k !== null);
}

/**
 * Candidates whose phone or address belongs to another profile already enrolled in the sequence
 * (one read of the carrier's profiles with those phones or addresses, one read of their enrollments
 * by id): the same person gets each step once, whichever profile they were enrolled under.
 */
async function enrolledTwins(sequence: EmailSequence, candidates: readonly DriverProfile[]): Promise<Set<string>> {
  const phones = [...new Set(candidates.map((d) => d.phone).filter((p): p is string => p !== null))];
  const emails = [...new Set(candidates.map((d) => d.email?.trim().toLowerCase()).filter((e): e is string => Boolean(e)))];
  if (phones.length === 0 && emails.length === 0) return new Set();
  const db = drivers();
  const byContact = db.filter().hasSome('phone', phones.length > 0 ? phones : ['-']).or(db.filter().hasSome('email', emails.length > 0 ? emails : ['-']));
  const candidateIds = new Set(candidates.map((d) => d._id));
  const others = (await db.find((q) => q.eq('carrier_dot', sequence.carrier_dot).and(byContact), { limit: 1000 })).filter((d) => !candidateIds.has(d._id));
  if (others.length === 0) return new Set();
  const enrolled = new Set((await enrollmentsByIds(others.map((d) => enrollmentIdOf(sequence._id, d._id)))).map((e) => e.driver_id));
  const taken = new Set(others.filter((d) => enrolled.has(d._id)).flatMap(contactKeys));
  return new Set(candidates.filter((d) => contactKeys(d).some((k) => taken.has(k))).map((d) => d._id));
}

/** Candidates whose current address is suppressed without the mirror showing it yet (one read; none when the sequence ignores unsubscribes). */
async function suppressedCandidates(sequence: EmailSequence, candidates: readonly DriverProfile[]): Promise<Set<string>> {
  if (!currentPlan(sequence).exitConditions.some((c) => c.type === 'unsubscribed' && c.enabled)) return new Set();
  const unmirrored = candidates.filter((d) => d.email && !d.email_suppressed_reason);
  if (unmirrored.length === 0) return new Set();
  const active = await activeSuppressionsOf(sequence.carrier_dot, unmirrored.map((d) => d.email ?? ''));
  return new Set(unmirrored.filter((d) => active.has((d.email ?? '').trim().toLowerCase())).map((d) => d._id));
}

/**
 * Enrolls up to 1000 drivers of the sequence's carrier (the caller checked the sequence is active
 * and the member's tenancy). Drivers of another carrier are reported `driver_not_found`.
 */
export async function enrollDrivers(input: { sequence: EmailSequence; driverIds: readonly string[]; via: SequenceTriggerType; by: string | null; now: Date; syncCounters?: boolean }): Promise<EnrollResult> {
  const { sequence, via, by, now } = input;
  if (input.driverIds.length > MAX_ENROLL_PER_CALL) throw new RangeError(`At most ${MAX_ENROLL_PER_CALL} drivers per call`);
  const skipped: EnrollResult['skipped'] = [];
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const id of input.driverIds) {
    if (seen.has(id)) skipped.push({ driverId: id, reason: 'duplicate_in_request' });
    else ids.push(id);
    seen.add(id);
  }
  const found = new Map((await driversByIds(ids)).filter((d) => d.carrier_dot === sequence.carrier_dot).map((d) => [d._id, d]));
  const [twins, suppressed] = await Promise.all([enrolledTwins(sequence, [...found.values()]), suppressedCandidates(sequence, [...found.values()])]);
  const contacts = new Set<string>();
  const records: NewEnrollment[] = [];
  for (const id of ids) {
    const driver = found.get(id);
    if (!driver) {
      skipped.push({ driverId: id, reason: 'driver_not_found' });
      continue;
    }
    const keys = contactKeys(driver);
    if (twins.has(id) || keys.some((k) => contacts.has(k))) {
      skipped.push({ driverId: id, reason: 'duplicate_contact' });
      continue;
    }
    const exit = profileExit(sequence, driver, now, suppressed);
    if (exit) {
      skipped.push({ driverId: id, reason: exit });
      continue;
    }
    for (const k of keys) contacts.add(k);
    records.push(newEnrollment({ sequence, driver, via, by, now }));
  }
  const outcome = records.length > 0 ? await enrollments().bulkInsert(records) : null;
  const inserted = new Set(outcome?.insertedItemIds ?? []);
  for (const r of records) if (!inserted.has(r._id)) skipped.push({ driverId: r.driver_id, reason: 'already_enrolled' });
  if (inserted.size > 0 && input.syncCounters !== false) await syncSequenceCounters([sequence._id]);
  return { enrolled: records.filter((r) => inserted.has(r._id)).map((r) => r._id), skipped };
}

/** The enrollments of a batch of drivers that are still running (one read: carrier, drivers, status). */
export async function activeEnrollmentsOf(carrierDot: string, driverIds: readonly string[]): Promise<EmailSequenceEnrollment[]> {
  if (driverIds.length === 0) return [];
  return enrollments().find((q) => q.eq('carrier_dot', carrierDot).hasSome('driver_id', [...new Set(driverIds)]).hasSome('status', ['active', 'paused']), { limit: 1000 });
}
