/**
 * Collection access shared by the sequence service, the step job and the triggers, and the
 * deterministic ids that make enrollments and step messages idempotent:
 * - enrollment `<sequence>.<driver>` (one per driver and sequence; also a unique index);
 * - a step's message (SMSMessages or EmailMessages) `<enrollment>.s<step_number>`.
 */
import { Carriers, DriverProfiles, RecruiterProfiles, type Carrier, type DriverProfile, type RecruiterProfile } from '../collections/people';
import { EmailMessages, EmailSequenceEnrollments, EmailSequences, type EmailMessage, type EmailSequence, type EmailSequenceEnrollment } from '../collections/email';
import { EmailSequenceVersions } from '../collections/sequences';
import { JobPostings, type JobPosting } from '../collections/jobs';
import { SMSMessages, type SMSMessage } from '../collections/sms';
import type { CollectionDef, ItemOf } from '../collections/define';
import { elevatedCollection, MAX_PAGE_SIZE, type DataCollection } from '../platform/data';
import { chunk } from '../util/lists';

export const sequences = () => elevatedCollection(EmailSequences);
export const enrollments = () => elevatedCollection(EmailSequenceEnrollments);
export const versions = () => elevatedCollection(EmailSequenceVersions);
export const smsMessages = () => elevatedCollection(SMSMessages);
export const emailMessages = () => elevatedCollection(EmailMessages);
export const drivers = () => elevatedCollection(DriverProfiles);

export function enrollmentIdOf(sequenceId: string, driverId: string): string {
  return `${sequenceId}.${driverId}`;
}

export function stepMessageId(enrollmentId: string, stepNumber: number): string {
  return `${enrollmentId}.s${stepNumber}`;
}

/** Items by id: one read per 1000 distinct ids. */
export async function byIds<D extends CollectionDef>(collection: DataCollection<D>, ids: readonly string[]): Promise<ItemOf<D>[]> {
  const distinct = [...new Set(ids.filter((id) => id !== ''))];
  const out: ItemOf<D>[] = [];
  for (const part of chunk(distinct, MAX_PAGE_SIZE)) out.push(...(await collection.find((q) => q.hasSome('_id', part), { limit: MAX_PAGE_SIZE })));
  return out;
}

export function indexById<T extends { _id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item._id, item]));
}

export const sequencesByIds = (ids: readonly string[]): Promise<EmailSequence[]> => byIds(sequences(), ids);
export const enrollmentsByIds = (ids: readonly string[]): Promise<EmailSequenceEnrollment[]> => byIds(enrollments(), ids);
export const driversByIds = (ids: readonly string[]): Promise<DriverProfile[]> => byIds(drivers(), ids);
export const smsByIds = (ids: readonly string[]): Promise<SMSMessage[]> => byIds(smsMessages(), ids);
export const emailsByIds = (ids: readonly string[]): Promise<EmailMessage[]> => byIds(emailMessages(), ids);

/** Carriers by USDOT number: one read. */
export async function carriersByDot(dots: readonly string[]): Promise<Map<string, Carrier>> {
  const distinct = [...new Set(dots)];
  if (distinct.length === 0) return new Map();
  const found = await elevatedCollection(Carriers).find((q) => q.hasSome('carrier_dot', distinct), { limit: MAX_PAGE_SIZE });
  return new Map(found.map((c) => [c.carrier_dot, c]));
}

/** The recruiter profiles of the sequences' owners, keyed `<carrier>|<member>`: one read. */
export async function ownersOf(list: readonly Pick<EmailSequence, 'carrier_dot' | 'owner_member_id'>[]): Promise<Map<string, RecruiterProfile>> {
  const members = [...new Set(list.map((s) => s.owner_member_id ?? '').filter((m) => m !== ''))];
  if (members.length === 0) return new Map();
  const found = await elevatedCollection(RecruiterProfiles).find((q) => q.hasSome('member_id', members), { limit: MAX_PAGE_SIZE });
  return new Map(found.map((r) => [`${r.carrier_dot}|${r.member_id}`, r]));
}

export function ownerKey(sequence: Pick<EmailSequence, 'carrier_dot' | 'owner_member_id'>): string {
  return `${sequence.carrier_dot}|${sequence.owner_member_id ?? ''}`;
}

/** The job postings the sequences name: one read (none when no sequence names one). */
export async function jobsOf(list: readonly Pick<EmailSequence, 'job_posting_id'>[]): Promise<Map<string, JobPosting>> {
  const ids = [...new Set(list.map((s) => s.job_posting_id ?? '').filter((id) => id !== ''))];
  if (ids.length === 0) return new Map();
  return indexById(await byIds(elevatedCollection(JobPostings), ids));
}
