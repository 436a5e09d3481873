/**
 * What starts a sequence besides a recruiter (`manual`):
 * - `application_submitted`: `onApplicationSubmitted(application)` (the JobApplications_afterInsert
 *   data hook calls it; imports that suppress hooks call `onApplicationsSubmitted` with the batch)
 *   records the driver's `last_applied_at` and enrolls the applicant's driver profile into the
 *   carrier's active sequences with that trigger (and, when the trigger names postings, only for
 *   those postings). Applications not matched to a driver profile yet are skipped (nobody to
 *   contact). Idempotent: the enrollment id is sequence + driver.
 * - `audience_match` (the spec's "saved search match"): drivers created after the sequence was
 *   activated that match the SavedSearch named in `trigger_conditions.saved_search_id` (and can be
 *   reached on the sequence's first message channel) are enrolled by the step job, ≤ 1000 new
 *   drivers per sequence and run, resuming from the sequence's `trigger_cursor` (`_createdDate`,
 *   then `_id`). The cursor is written after the enrollments, so a killed run re-reads the same
 *   drivers and the insert skips those already enrolled.
 */
import type { EmailSequence } from '../collections/email';
import type { JobApplication } from '../collections/jobs';
import type { SequenceStep } from '../collections/sequence-steps';
import { driverSourceAdapter } from '../adapters/driverSource';
import { compileAudienceFilter, matchesAll, reachabilityConditions, refinementMatches, type AudienceChannel } from '../outreach/audience';
import { createLogger, nowMs } from '../platform';
import { syncSequenceCounters } from './counters';
import { enrollDrivers } from './enroll';
import { drivers, sequences } from './records';

const log = createLogger('sequences.triggers');

/** The channel of the first SMS or email step (audience enrollment takes drivers it can reach). */
export function firstMessageChannel(steps: readonly SequenceStep[]): AudienceChannel {
  const first = [...steps].sort((a, b) => a.step_number - b.step_number).find((s) => s.step_type === 'sms' || s.step_type === 'email');
  return first?.step_type === 'email' ? 'email' : 'sms';
}

// ── application_submitted ──────────────────────────────────────────────────────────────────────

const CACHE_MS = 30_000;
/** Active `application_submitted` sequences per carrier, cached briefly: an import fires the hook per item. */
const applicationSequences = new Map<string, { readonly at: number; readonly list: EmailSequence[] }>();

async function applicationSequencesOf(carrierDot: string): Promise<EmailSequence[]> {
  const cached = applicationSequences.get(carrierDot);
  if (cached && nowMs() - cached.at < CACHE_MS) return cached.list;
  const list = await sequences().find((q) => q.eq('carrier_dot', carrierDot).eq('trigger_type', 'application_submitted').eq('status', 'active'), { limit: 100 });
  applicationSequences.set(carrierDot, { at: nowMs(), list });
  return list;
}

/** Forgets the cached trigger sequences of a carrier (a sequence was created, edited, paused or resumed here). */
export function forgetTriggerCache(carrierDot: string): void {
  applicationSequences.delete(carrierDot);
}

function matchesPosting(sequence: EmailSequence, application: Pick<JobApplication, 'job_posting_id'>): boolean {
  const postings = sequence.trigger_conditions.job_posting_ids ?? [];
  return postings.length === 0 || postings.includes(application.job_posting_id);
}

export interface TriggerReport {
  readonly enrolled: number;
  readonly skipped: number;
}

/** Enrolls the applicants of a batch of applications (any carriers) into their carriers' application sequences. */
export async function enrollApplicants(applications: readonly Pick<JobApplication, 'carrier_dot' | 'job_posting_id' | 'matched_driver_id'>[], now: Date): Promise<TriggerReport> {
  let enrolled = 0;
  let skipped = 0;
  const byCarrier = new Map<string, typeof applications[number][]>();
  for (const a of applications) if (a.matched_driver_id) byCarrier.set(a.carrier_dot, [...(byCarrier.get(a.carrier_dot) ?? []), a]);
  for (const [carrierDot, list] of byCarrier) {
    for (const sequence of await applicationSequencesOf(carrierDot)) {
      const driverIds = [...new Set(list.filter((a) => matchesPosting(sequence, a)).map((a) => a.matched_driver_id ?? ''))].filter((id) => id !== '');
      for (let i = 0; i < driverIds.length; i += 1000) {
        const result = await enrollDrivers({ sequence, driverIds: driverIds.slice(i, i + 1000), via: 'application_submitted', by: null, now });
        enrolled += result.enrolled.length;
        skipped += result.skipped.length;
      }
    }
  }
  return { enrolled, skipped };
}

/**
 * What an application (or a batch of them: imports) means for sequences: the drivers'
 * `last_applied_at` mirror (one bulk patch; the step job's `applied` exit reads it before each
 * step), then enrollment into the carrier's application sequences. The mirror comes first: an
 * application never counts as an exit of the enrollment it starts (that one begins after it).
 */
export async function onApplicationsSubmitted(applications: readonly Pick<JobApplication, 'carrier_dot' | 'job_posting_id' | 'matched_driver_id'>[], now: Date): Promise<TriggerReport> {
  const driverIds = [...new Set(applications.map((a) => a.matched_driver_id ?? '').filter((id) => id !== ''))];
  // The mirror feeds nothing the DriverProfiles hooks derive.
  for (let i = 0; i < driverIds.length; i += 1000) await drivers().bulkPatch(driverIds.slice(i, i + 1000), { last_applied_at: now }, { suppressHooks: true });
  return enrollApplicants(applications, now);
}

export async function onApplicationSubmitted(application: Pick<JobApplication, 'carrier_dot' | 'job_posting_id' | 'matched_driver_id'>, now: Date): Promise<TriggerReport> {
  return onApplicationsSubmitted([application], now);
}

// ── audience_match ─────────────────────────────────────────────────────────────────────────────

const MAX_TRIGGER_SEQUENCES = 20;
const NEW_DRIVERS_PER_RUN = 1000;

/** Enrolls one sequence's new matching drivers (≤ 1000 new drivers read); returns how many were enrolled. */
async function sweepSequence(sequence: EmailSequence, now: Date): Promise<number> {
  const savedSearchId = sequence.trigger_conditions.saved_search_id;
  if (!savedSearchId) return 0;
  const cursor = sequence.trigger_cursor ?? { created_at: sequence.activated_at ?? sequence._createdDate ?? now, driver_id: null };
  const compiled = await compileAudienceFilter({ carrierDot: sequence.carrier_dot, filter: { saved_search_id: savedSearchId }, now, savedSearches: driverSourceAdapter().savedSearches });
  const conditions = [...compiled.conditions, ...reachabilityConditions(firstMessageChannel(sequence.steps))];
  const db = drivers();
  const page = await db.find(
    (q) => {
      const after = cursor.driver_id ? db.filter().gt('_createdDate', cursor.created_at).or(db.filter().eq('_createdDate', cursor.created_at).gt('_id', cursor.driver_id)) : db.filter().ge('_createdDate', cursor.created_at);
      return q.eq('carrier_dot', sequence.carrier_dot).and(after).ascending('_createdDate', '_id');
    },
    { limit: NEW_DRIVERS_PER_RUN },
  );
  const last = page[page.length - 1];
  if (!last?._createdDate) return 0;
  const matching = page.filter((d) => matchesAll(d, conditions) && compiled.refinements.every((r) => refinementMatches(r, d))).map((d) => d._id);
  const result = matching.length > 0 ? await enrollDrivers({ sequence, driverIds: matching, via: 'audience_match', by: null, now, syncCounters: false }) : { enrolled: [] };
  await sequences().patch(sequence._id, { trigger_cursor: { created_at: last._createdDate, driver_id: last._id } });
  return result.enrolled.length;
}

/** The step job's trigger pass: active `audience_match` sequences, bounded per run. */
export async function runAudienceTriggers(input: { now: Date; outOfTime: () => boolean }): Promise<{ enrolled: number; sequences: number }> {
  const list = await sequences().find((q) => q.eq('trigger_type', 'audience_match').eq('status', 'active').ascending('counters_at'), { limit: MAX_TRIGGER_SEQUENCES });
  let enrolled = 0;
  const touched: string[] = [];
  for (const sequence of list) {
    if (input.outOfTime()) break;
    try {
      const n = await sweepSequence(sequence, input.now);
      enrolled += n;
      if (n > 0) touched.push(sequence._id);
    } catch (error) {
      log.error('audience trigger failed for a sequence', { sequenceId: sequence._id, error });
    }
  }
  if (touched.length > 0) await syncSequenceCounters(touched);
  return { enrolled, sequences: list.length };
}
