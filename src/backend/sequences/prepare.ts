/**
 * Claiming and preparing a batch of due enrollments: everything a batch reads before it decides
 * anything (the step job prepares batch N+1 while batch N is being sent; batch.ts executes it).
 *
 * Claim: `status = active`, `next_step_at ≤ now`, most overdue first, ≤ 1000, without the step
 * history (projection: the history is appended to the enrollment as re-read right before the write).
 * Then: the sequences (one read, at most every 2 s of a run — also how a pause is seen), the drivers (one read), the versions
 * enrollments run when older than the current one (≤ one read), carriers / owners / job postings
 * (once per run: RunCache), and the engagement facts (facts.ts).
 */
import type { EmailMessage, EmailSequence, EmailSequenceEnrollment } from '../collections/email';
import type { JobPosting } from '../collections/jobs';
import type { Carrier, DriverProfile, RecruiterProfile } from '../collections/people';
import { createLogger } from '../platform';
import { MAX_PAGE_SIZE } from '../platform/data';
import { chunk } from '../util/lists';
import { stepsAtOnce, type EngagementFacts, type ExitReason, type SequencePlan } from './engine';
import { readFacts, type FactRequest } from './facts';
import { carriersByDot, driversByIds, enrollments, indexById, jobsOf, ownerKey, ownersOf, sequencesByIds, stepMessageId } from './records';
import { enrollmentVersionOf, planKey, plansFor, versionOf } from './versions';

const log = createLogger('sequences.prepare');
const HOUR_MS = 60 * 60_000;

/** A claimed enrollment: every field but `step_history`. */
export type Claimed = Omit<EmailSequenceEnrollment, 'step_history'>;

const CLAIM_FIELDS = ['sequence_id', 'driver_id', 'carrier_dot', 'current_step', 'status', 'exit_reason', 'enrolled_at', 'last_step_at', 'next_step_at', 'sequence_version', 'enrolled_via', 'enrolled_by', 'converted_at', 'converted', 'finished_at'] as const satisfies readonly (keyof Claimed)[];

/** Due enrollments (one read), leaving out paused sequences and enrollments already in flight. */
export async function claimDue(input: { at: Date; limit: number; pausedSequences: readonly string[]; inFlight: readonly string[] }): Promise<Claimed[]> {
  const db = enrollments();
  const found = await db.find(
    (q) => {
      let due = q.eq('status', 'active').le('next_step_at', input.at);
      if (input.pausedSequences.length > 0) due = due.not(db.filter().hasSome('sequence_id', [...input.pausedSequences]));
      // The batches still in flight (≤ 2 of ≤ 1000): one exclusion of ≤ 1000 ids each.
      for (const part of chunk(input.inFlight, MAX_PAGE_SIZE)) due = due.not(db.filter().hasSome('_id', part));
      return due.ascending('next_step_at').fields(...CLAIM_FIELDS);
    },
    { limit: input.limit },
  );
  return found as Claimed[];
}

/**
 * What a run reads once: carriers, the sequences' owners (recruiter profiles) and job postings
 * change rarely, so a run of ≤ 10 minutes reads each once instead of once per batch.
 */
export interface RunCache {
  readonly carriers: Map<string, Carrier>;
  readonly owners: Map<string, RecruiterProfile | null>;
  readonly jobs: Map<string, JobPosting | null>;
  /** Sequences as last read, and when (monotonic ms): re-read after SEQUENCE_TTL_MS. */
  readonly sequences: Map<string, { readonly sequence: EmailSequence; readonly readAt: number }>;
  /** Monotonic ms (process time, not the site clock). */
  readonly monotonic: () => number;
}

/**
 * How long a run trusts its read of a sequence. A pause or an edit is seen by the next batch
 * prepared after this: batches take about a second, so every other batch reads the sequences.
 */
export const SEQUENCE_TTL_MS = 2_000;

export function createRunCache(monotonic: () => number = () => performance.now()): RunCache {
  return { carriers: new Map(), owners: new Map(), jobs: new Map(), sequences: new Map(), monotonic };
}

/**
 * The batch's sequences: read again (one read) when not read in the last SEQUENCE_TTL_MS, or when an
 * enrollment names a newer version than the one read (a sequence edited and enrolled into since).
 */
async function sequencesOf(batch: readonly Claimed[], cache: RunCache): Promise<Map<string, EmailSequence>> {
  const now = cache.monotonic();
  const stale = new Set<string>();
  for (const e of batch) {
    const known = cache.sequences.get(e.sequence_id);
    if (!known || now - known.readAt >= SEQUENCE_TTL_MS || enrollmentVersionOf(e) > versionOf(known.sequence)) stale.add(e.sequence_id);
  }
  if (stale.size > 0) {
    const fresh = indexById(await sequencesByIds([...stale]));
    for (const id of stale) {
      const sequence = fresh.get(id);
      if (sequence) cache.sequences.set(id, { sequence, readAt: now });
      else cache.sequences.delete(id);
    }
  }
  const out = new Map<string, EmailSequence>();
  for (const e of batch) {
    const known = cache.sequences.get(e.sequence_id);
    if (known) out.set(e.sequence_id, known.sequence);
  }
  return out;
}

/** The carriers, owners and jobs the live sequences need: cached ones, plus one read per kind for the rest. */
async function referencesOf(live: readonly EmailSequence[], carrierDots: readonly string[], cache: RunCache): Promise<void> {
  const missingDots = [...new Set(carrierDots)].filter((d) => !cache.carriers.has(d));
  const missingOwners = live.filter((s) => !cache.owners.has(ownerKey(s)));
  const missingJobs = live.filter((s) => s.job_posting_id && !cache.jobs.has(s.job_posting_id));
  const [carriers, owners, jobs] = await Promise.all([
    missingDots.length > 0 ? carriersByDot(missingDots) : Promise.resolve(new Map<string, Carrier>()),
    missingOwners.length > 0 ? ownersOf(missingOwners) : Promise.resolve(new Map<string, RecruiterProfile>()),
    missingJobs.length > 0 ? jobsOf(missingJobs) : Promise.resolve(new Map<string, JobPosting>()),
  ]);
  for (const [dot, carrier] of carriers) cache.carriers.set(dot, carrier);
  for (const s of missingOwners) cache.owners.set(ownerKey(s), owners.get(ownerKey(s)) ?? null);
  for (const s of missingJobs) if (s.job_posting_id) cache.jobs.set(s.job_posting_id, jobs.get(s.job_posting_id) ?? null);
}

/** An enrollment ready to run its step, with what its step needs. */
export interface Loaded {
  readonly sequence: EmailSequence;
  readonly plan: SequencePlan;
  readonly driver: DriverProfile;
  readonly carrier: Carrier;
  readonly recruiter: RecruiterProfile | null;
  readonly job: JobPosting | null;
  readonly facts: EngagementFacts;
}

export interface PreparedBatch {
  readonly batch: readonly Claimed[];
  readonly loaded: ReadonlyMap<string, Loaded>;
  /** Enrollments that cannot run: exit (sequence gone, driver gone) or look again later. */
  readonly blocked: ReadonlyMap<string, { readonly exit: ExitReason } | { readonly retryAt: Date }>;
  /** Sequences found not active (paused or draft): their enrollments wait for a resume. */
  readonly inactiveSequences: readonly string[];
  /** Stored records of the email steps the batch may run (a killed run may have written them). */
  readonly stepEmails: ReadonlyMap<string, EmailMessage>;
  /** The message ids whose records were looked up for `stepEmails` (found or not). */
  readonly emailIdsRead: ReadonlySet<string>;
}

export async function prepareBatch(batch: readonly Claimed[], at: Date, cache: RunCache): Promise<PreparedBatch> {
  const blocked = new Map<string, { exit: ExitReason } | { retryAt: Date }>();
  const inactive = new Set<string>();
  const sequenceById = await sequencesOf(batch, cache);
  const runnable = batch.filter((e) => {
    const sequence = sequenceById.get(e.sequence_id);
    if (!sequence) blocked.set(e._id, { exit: 'removed' });
    else if (sequence.status !== 'active') inactive.add(sequence._id);
    return sequence?.status === 'active';
  });
  const live = [...new Set(runnable.map((e) => e.sequence_id))].map((id) => sequenceById.get(id)).filter((s): s is EmailSequence => s !== undefined);
  const [driverById, plans] = await Promise.all([
    driversByIds(runnable.map((e) => e.driver_id)).then(indexById),
    plansFor(sequenceById, runnable),
    referencesOf(live, runnable.map((e) => e.carrier_dot), cache),
  ]);
  const ready: { e: Claimed; sequence: EmailSequence; plan: SequencePlan; driver: DriverProfile; carrier: Carrier }[] = [];
  for (const e of runnable) {
    const sequence = sequenceById.get(e.sequence_id);
    const plan = plans.get(planKey(e.sequence_id, enrollmentVersionOf(e)));
    const driver = driverById.get(e.driver_id);
    const carrier = cache.carriers.get(e.carrier_dot);
    if (!sequence) continue;
    if (!driver || driver.carrier_dot !== e.carrier_dot) blocked.set(e._id, { exit: 'driver_missing' });
    else if (!plan || !carrier) {
      // Cannot happen with the freeze-before-edit rule; never guess other steps: look again later.
      log.error('sequence version or carrier missing; enrollment left for a later run', { enrollment: e._id, version: enrollmentVersionOf(e) });
      blocked.set(e._id, { retryAt: new Date(at.getTime() + 6 * HOUR_MS) });
    } else ready.push({ e, sequence, plan, driver, carrier });
  }
  const requests: FactRequest[] = ready.map((r) => ({ enrollment: r.e, plan: r.plan, driver: r.driver }));
  // The email steps the batch may run (the due one, and one due at once after a wait or a condition).
  const dueEmailIds = ready.flatMap((r) => stepsAtOnce(r.plan, r.e.current_step).flatMap((s) => (s.step_type === 'email' ? [stepMessageId(r.e._id, s.step_number)] : [])));
  // One EmailMessages read serves the conditions (earlier emails) and the due email steps' own records.
  const { facts, emails } = await readFacts(requests, dueEmailIds);
  const loaded = new Map<string, Loaded>();
  for (const r of ready) {
    const job = r.sequence.job_posting_id ? (cache.jobs.get(r.sequence.job_posting_id) ?? null) : null;
    const f = facts.get(r.e._id);
    if (f) loaded.set(r.e._id, { sequence: r.sequence, plan: r.plan, driver: r.driver, carrier: r.carrier, recruiter: cache.owners.get(ownerKey(r.sequence)) ?? null, job, facts: f });
  }
  return { batch, loaded, blocked, inactiveSequences: [...inactive], stepEmails: emails, emailIdsRead: new Set(dueEmailIds) };
}
