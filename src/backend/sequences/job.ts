/**
 * `processEmailSequenceSteps` (spec §7, every 15 minutes): under the job lease and a time budget,
 * 1. syncs the counters of sequences a killed run had touched (kept in the lease cursor);
 * 2. enrolls new drivers of `audience_match` sequences (triggers.ts, bounded per run);
 * 3. claims due enrollments (`status = active`, `next_step_at ≤ now`, most overdue first) in batches
 *    of ≤ 1000, skipping sequences found paused, and runs each batch (batch.ts); the next batch is
 *    claimed and read (prepare.ts) while the current one sends. Before a batch writes anything, the
 *    lease cursor records the sequences it may touch (a checkpoint when that set grows);
 * 4. syncs the touched sequences' counters (at most every `counterSyncEveryMs`, and at the end),
 *    plus the few active sequences synced longest ago (a safety net for writers killed before their
 *    own sync).
 * Data requests per batch: see docs/sequences.md.
 */
import { acquireLease, checkpointLease, releaseLease, type HeldLease } from '../jobs/leases';
import { createComplianceStore } from '../adapters/complianceStore';
import type { StepOutcome } from '../collections/vocabulary';
import type { ComplianceStore } from '../outreach';
import { createLogger, now as clockNow } from '../platform';
import { runStepBatch } from './batch';
import { claimDue, createRunCache, prepareBatch, type PreparedBatch } from './prepare';
import { syncSequenceCounters } from './counters';
import type { SequenceChannels } from './ports';
import { sequences } from './records';
import type { SmsStepOptions } from './smsSteps';
import { runAudienceTriggers } from './triggers';
import { observed } from '../util/lists';

const log = createLogger('sequences.job');

export const SEQUENCE_JOB_NAME = 'processEmailSequenceSteps';

export interface StepJobOptions {
  readonly channels: SequenceChannels;
  readonly holder: string;
  /** Time budget of one run (default 10 minutes of the 15-minute cadence). */
  readonly budgetMs?: number;
  readonly elapsedMs?: () => number;
  /** Enrollments per batch (≤ 1000). */
  readonly batchSize?: number;
  readonly compliance?: ComplianceStore;
  readonly sms?: Omit<SmsStepOptions, 'provider'>;
  /** Counter syncs of touched sequences at most this often during a run (default 30 s), and at its end. */
  readonly counterSyncEveryMs?: number;
  /** Run the `audience_match` triggers first (default true). */
  readonly triggers?: boolean;
  /** Stop after this many batches (tests: a run cut short). */
  readonly maxBatches?: number;
}

export interface StepJobReport {
  readonly ran: boolean;
  readonly outcome: 'completed' | 'partial' | 'failed' | 'skipped';
  readonly batches: number;
  /** Steps that ran (a history entry was written). */
  readonly stepsProcessed: number;
  readonly steps: Readonly<Record<StepOutcome, number>>;
  readonly exited: number;
  readonly completed: number;
  readonly rescheduled: number;
  readonly enrolledByTriggers: number;
  readonly errors: readonly string[];
}

interface StepCursor {
  readonly pending_counters: string[];
}

function cursorOf(lease: HeldLease): StepCursor {
  const raw = lease.cursor?.['pending_counters'];
  return { pending_counters: Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [] };
}

const SWEEP_SEQUENCES = 20;

/** The lease is extended at least this often (a LeaseLostError stops a run whose lease was taken over). */
const CHECKPOINT_EVERY_MS = 60_000;

/** Active sequences whose counters were synced longest ago (never-synced first). */
async function sweepSlice(): Promise<string[]> {
  return (await sequences().find((q) => q.eq('status', 'active').ascending('counters_at'), { limit: SWEEP_SEQUENCES })).map((s) => s._id);
}

export async function runSequenceSteps(options: StepJobOptions): Promise<StepJobReport> {
  const budgetMs = options.budgetMs ?? 10 * 60_000;
  const started = performance.now();
  const elapsed = options.elapsedMs ?? ((): number => performance.now() - started);
  const ttlMs = budgetMs + 2 * 60_000;
  const steps: Record<StepOutcome, number> = { sent: 0, skipped: 0, held: 0, blocked: 0, failed: 0, waited: 0, condition_true: 0, condition_false: 0 };
  const empty = { batches: 0, stepsProcessed: 0, steps, exited: 0, completed: 0, rescheduled: 0, enrolledByTriggers: 0, errors: [] };
  const lease = await acquireLease(SEQUENCE_JOB_NAME, options.holder, ttlMs);
  if (!lease) return { ran: false, outcome: 'skipped', ...empty };
  const compliance = options.compliance ?? createComplianceStore();
  const batchSize = Math.max(1, Math.min(1000, options.batchSize ?? 1000));
  const outOfTime = (): boolean => elapsed() >= budgetMs;
  const pending = new Set(cursorOf(lease).pending_counters);
  // Every run checkpoints before its first write, so a cursor means the previous run did not finish.
  const recovering = lease.cursor !== null;
  const paused = new Set<string>();
  const report = { batches: 0, stepsProcessed: 0, exited: 0, completed: 0, rescheduled: 0, enrolledByTriggers: 0 };
  let lastSync = elapsed();
  let lastCheckpoint: number | null = null;
  const cache = createRunCache();
  let next: Promise<PreparedBatch | null> | null = null;
  const sync = async (): Promise<void> => {
    if (pending.size === 0) return;
    const ids = [...pending];
    await syncSequenceCounters(ids);
    for (const id of ids) pending.delete(id);
    lastSync = elapsed();
  };
  try {
    await sync();
    if (options.triggers !== false) report.enrolledByTriggers = (await runAudienceTriggers({ now: clockNow(), outOfTime })).enrolled;
    const more = (): boolean => !outOfTime() && (options.maxBatches === undefined || report.batches < options.maxBatches);
    // Claims and reads the next batch (read-only: it decides nothing) while the current one sends.
    const prefetch = (inFlight: readonly string[]): Promise<PreparedBatch | null> =>
      observed(
        (async () => {
          const at = clockNow();
          const batch = await claimDue({ at, limit: batchSize, pausedSequences: [...paused], inFlight });
          return batch.length === 0 ? null : prepareBatch(batch, at, cache);
        })(),
      );
    next = more() ? prefetch([]) : null;
    while (next) {
      const prepared = await next;
      next = null;
      if (!prepared) break;
      // Before a batch writes anything, the lease cursor names every sequence it may touch (when that
      // set grew, or a minute passed: one read and one write), so a killed run's counters are synced
      // by the next run, and the lease stays extended.
      const before = pending.size;
      for (const e of prepared.batch) pending.add(e.sequence_id);
      if (pending.size > before || lastCheckpoint === null || elapsed() - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
        await checkpointLease(lease, { pending_counters: [...pending] }, ttlMs);
        lastCheckpoint = elapsed();
      }
      report.batches += 1;
      if (more()) next = prefetch(prepared.batch.map((e) => e._id));
      const result = await runStepBatch(prepared, { channels: options.channels, compliance, now: clockNow(), recovering, ...(options.sms ? { sms: options.sms } : {}) });
      for (const [k, v] of Object.entries(result.steps) as [StepOutcome, number][]) steps[k] += v;
      report.stepsProcessed += Object.values(result.steps).reduce((a, b) => a + b, 0);
      report.exited += result.exited;
      report.completed += result.completed;
      report.rescheduled += result.rescheduled;
      for (const id of result.inactiveSequences) paused.add(id);
      // Nothing written and no paused sequence learned: what is left due cannot move in this run.
      if (result.written === 0 && result.inactiveSequences.length === 0) break;
      if (elapsed() - lastSync >= (options.counterSyncEveryMs ?? 30_000)) await sync();
    }
    await next?.catch(() => null);
    for (const id of await sweepSlice()) pending.add(id);
    await sync();
  } catch (error) {
    await next?.catch(() => null);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log.error('sequence step run failed', { error });
    await releaseLease(lease, 'failed', { pending_counters: [...pending] }, message.slice(0, 200)).catch(() => undefined);
    return { ran: true, outcome: 'failed', ...report, steps, errors: [message] };
  }
  const partial = outOfTime();
  await releaseLease(lease, partial ? 'partial' : 'completed', { pending_counters: [...pending] }, `${report.batches} batch(es), ${report.stepsProcessed} step(s)`);
  return { ran: true, outcome: partial ? 'partial' : 'completed', ...report, steps, errors: [] };
}
