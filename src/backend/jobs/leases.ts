/**
 * Job leases: Wix delivers scheduled jobs at least once and may start a run while the previous one
 * still runs. A run works only while it holds its job's lease.
 *
 * Wix Data has no compare-and-set, but `insert` of an existing `_id` fails (WDE0074). A lease is
 * therefore a chain of generations `<job>:<n>`: to take over an expired lease `n`, a runner inserts
 * `<job>:<n+1>`; of several runners racing, exactly one insert succeeds. The lease record also keeps
 * the job's cursor, so a run that ran out of time budget lets the next one resume where it stopped.
 */
import { JobLeases, type JobLease } from '../collections/operations';
import { elevatedCollection, nowMs } from '../platform';



export type LeaseCursor = Record<string, unknown> | null;

export interface HeldLease {
  readonly jobName: string;
  readonly generation: number;
  readonly holder: string;
  /** The cursor the previous run left (null on a fresh start). */
  readonly cursor: LeaseCursor;
}

function isDuplicateIdError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'WDE0074';
}

function leases() {
  return elevatedCollection(JobLeases);
}

async function latestLease(jobName: string): Promise<JobLease | null> {
  const [latest] = await leases().find((q) => q.eq('job_name', jobName).descending('generation'), { limit: 1 });
  return latest ?? null;
}

/**
 * Takes the job's lease for `ttlMs`, or returns null when another run holds a live lease.
 * Costs one read and one write (plus one more of each when it loses a race).
 */
export async function acquireLease(jobName: string, holder: string, ttlMs: number): Promise<HeldLease | null> {
  const latest = await latestLease(jobName);
  const now = nowMs();
  if (latest && latest.outcome === 'running' && latest.lease_until.getTime() > now) return null;
  const generation = latest ? latest.generation + 1 : 0;
  const carriedCursor = latest && latest.outcome !== 'completed' ? latest.cursor : null;
  try {
    await leases().insert({
      _id: `${jobName}:${generation}`,
      job_name: jobName,
      generation,
      holder,
      lease_until: new Date(now + ttlMs),
      cursor: carriedCursor,
      started_at: new Date(now),
      finished_at: null,
      outcome: 'running',
      note: null,
    });
  } catch (error) {
    if (isDuplicateIdError(error)) return null;
    throw error;
  }
  return { jobName, generation, holder, cursor: carriedCursor };
}

/** The run's lease was taken over after it expired: the run must stop without writing more. */
export class LeaseLostError extends Error {
  constructor(lease: HeldLease) {
    super(`Lease ${lease.jobName}:${lease.generation} is no longer held by ${lease.holder}`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Writes the holder's lease record, but only while it is still the latest generation: a run whose
 * lease expired and was taken over learns it here (LeaseLostError) and stops. One read, one write.
 */
async function writeLease(lease: HeldLease, patch: Partial<Pick<JobLease, 'cursor' | 'lease_until' | 'finished_at' | 'outcome' | 'note'>>): Promise<void> {
  const latest = await latestLease(lease.jobName);
  if (!latest || latest.generation !== lease.generation || latest.holder !== lease.holder) throw new LeaseLostError(lease);
  await leases().update({ ...latest, ...patch });
}

/** Saves progress and extends the lease (call between batches). */
export async function checkpointLease(lease: HeldLease, cursor: LeaseCursor, ttlMs: number): Promise<void> {
  await writeLease(lease, { cursor, lease_until: new Date(nowMs() + ttlMs) });
}

/**
 * Ends the run. `partial` keeps the cursor for the next run; `completed` clears it; `failed` keeps
 * it so the next run retries from the last checkpoint.
 */
export async function releaseLease(lease: HeldLease, outcome: 'completed' | 'partial' | 'failed', cursor: LeaseCursor, note: string | null = null): Promise<void> {
  const now = new Date(nowMs());
  await writeLease(lease, { outcome, cursor: outcome === 'completed' ? null : cursor, lease_until: now, finished_at: now, note });
}
