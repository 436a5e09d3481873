/**
 * `processEmailSequenceSteps` (spec §7, every 15 minutes): under the job lease and a time budget,
 * 1. syncs the counters of sequences a killed run had touched (kept in the lease cursor);
 * 2. enrolls new drivers of `audience_match` sequences (triggers.ts, bounded per run);
 * 3. claims due enrollments (`status = active`, `next_step_at ≤ now`, most overdue first) in batches
 *    of ≤ 1000, skipping sequences found paused, and runs each batch in three stages (batch.ts:
 *    write the message records, send, finish = contacts, drivers, enrollments), pipelined so that
 *    the data layer, the providers and this process work at the same time:
 *
 *        batch N:    claim+read ─▶ write ─▶ send ──────────▶ finish
 *        batch N+1:                claim+read ─▶ write ─▶ send ──────────▶ finish
 *        batch N+2:                              claim+read ─▶ write ─▶ send ───▶ …
 *
 *    batch N+1 is claimed as soon as N is written (leaving out the batches not finished yet: at most
 *    two, ≤ 1000 ids each), sent as soon as its own records are written (at most two batches send at
 *    a time) and finished after N. Texts decided by a batch count in every later decision of the run
 *    before they are recorded (the contact ledger, ledger.ts). Before a batch writes anything, the
 *    lease cursor records the sequences it may touch (a checkpoint when that set grows). Whatever
 *    ends the run (done, out of time, an error), the batches in flight are sent and finished first:
 *    no provider call outlives the run, and what was sent is recorded;
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
import { finishStepBatch, sendStepBatch, writeStepBatch, type BatchReport, type WrittenBatch } from './batch';
import { createContactLedger } from './ledger';
import { claimDue, createRunCache, prepareBatch, type PreparedBatch } from './prepare';
import { addCounterChange, syncSequenceCounters, type CounterChange } from './counters';
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
  const ledger = createContactLedger(compliance);
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
  /**
   * Batches written and not finished yet, oldest first (a batch is claimed while at most two are):
   * each one's chain sends it — once the sends of the batch two before are done, so at most two
   * batches send at a time — then, once the batch before it is finished, finishes it. Finishes
   * therefore run in claim order.
   */
  const inFlight: { readonly batch: PreparedBatch; readonly sent: Promise<unknown>; readonly done: Promise<BatchReport> }[] = [];
  /** What this run's writes changed in the counters since they were last synced (told to the final sync). */
  const counterChanges = new Map<string, CounterChange>();
  /**
   * Syncs the pending sequences' counters; those a batch still in flight may touch stay pending. The
   * final sync (nothing in flight) is told the run's own changes: usually one aggregate instead of two.
   */
  const sync = async (): Promise<void> => {
    if (pending.size === 0) return;
    const ids = [...pending];
    const changes = inFlight.length === 0 ? new Map(counterChanges) : undefined;
    counterChanges.clear();
    await syncSequenceCounters(ids, changes ? { changes } : {});
    const busy = new Set(inFlight.flatMap((f) => f.batch.batch.map((e) => e.sequence_id)));
    for (const id of ids) if (!busy.has(id)) pending.delete(id);
    lastSync = elapsed();
  };
  const account = (result: BatchReport): BatchReport => {
    for (const [k, v] of Object.entries(result.steps) as [StepOutcome, number][]) steps[k] += v;
    report.stepsProcessed += Object.values(result.steps).reduce((a, b) => a + b, 0);
    report.exited += result.exited;
    report.completed += result.completed;
    report.rescheduled += result.rescheduled;
    for (const id of result.inactiveSequences) paused.add(id);
    for (const [id, change] of result.counterChanges) addCounterChange(counterChanges, id, change);
    return result;
  };
  /**
   * Sends a written batch (after `sendsAfter`), then finishes it after the batch before it — even if
   * that one failed: what was sent is recorded.
   */
  const chain = (written: WrittenBatch, sendsAfter: Promise<unknown> | null, finishesAfter: Promise<unknown> | null): (typeof inFlight)[number] => {
    const sent = observed(
      (async () => {
        await sendsAfter?.catch(() => null);
        return sendStepBatch(written);
      })(),
    );
    const done = observed(
      (async () => {
        const result = await sent;
        await finishesAfter?.catch(() => null);
        return account(await finishStepBatch(result));
      })(),
    );
    return { batch: written.prepared, sent, done };
  };
  /** Waits for the oldest batch in flight to be finished. */
  const finishOldest = async (): Promise<BatchReport | null> => {
    const oldest = inFlight[0];
    if (!oldest) return null;
    try {
      return await oldest.done;
    } finally {
      inFlight.shift();
    }
  };
  try {
    await sync();
    if (options.triggers !== false) report.enrolledByTriggers = (await runAudienceTriggers({ now: clockNow(), outOfTime })).enrolled;
    const more = (): boolean => !outOfTime() && (options.maxBatches === undefined || report.batches < options.maxBatches);
    // Claims and reads the next batch (read-only: it decides nothing), leaving out the batches in flight.
    const prefetch = (inFlight: readonly string[]): Promise<PreparedBatch | null> =>
      observed(
        (async () => {
          const at = clockNow();
          const batch = await claimDue({ at, limit: batchSize, pausedSequences: [...paused], inFlight });
          return batch.length === 0 ? null : prepareBatch(batch, at, cache);
        })(),
      );
    let stuck = false;
    next = more() ? prefetch([]) : null;
    for (;;) {
      const prepared = next ? await next : null;
      next = null;
      if (!prepared) {
        // Nothing due outside the batches in flight: finish them, and claim once more only if they left steps due at once.
        let dueAgain = 0;
        while (inFlight.length > 0) dueAgain += (await finishOldest())?.dueAgain ?? 0;
        if (dueAgain > 0 && !stuck && more()) {
          next = prefetch([]);
          continue;
        }
        break;
      }
      for (const id of prepared.inactiveSequences) paused.add(id);
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
      // Written while the batch before is being sent or finished; sent as soon as its records are written.
      const written = await writeStepBatch(prepared, { channels: options.channels, compliance: ledger.store, ledger, now: clockNow(), recovering, ...(options.sms ? { sms: options.sms } : {}) });
      inFlight.push(chain(written, inFlight[inFlight.length - 2]?.sent ?? null, inFlight[inFlight.length - 1]?.done ?? null));
      // The next batch is claimed now, leaving out the (at most two) batches not finished yet.
      while (inFlight.length > 2) {
        const result = await finishOldest();
        // Nothing written and no paused sequence learned: what is left due cannot move in this run.
        if (result && result.written === 0 && result.inactiveSequences.length === 0) stuck = true;
      }
      if (elapsed() - lastSync >= (options.counterSyncEveryMs ?? 30_000)) await sync();
      if (!stuck && more()) next = prefetch(inFlight.flatMap((f) => f.batch.batch.map((e) => e._id)));
    }
    for (const id of await sweepSlice()) pending.add(id);
    await sync();
  } catch (error) {
    await next?.catch(() => null);
    // What the batches in flight sent is still recorded (their calls finish first; a rerun settles the rest).
    while (inFlight.length > 0) await finishOldest().catch(() => null);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log.error('sequence step run failed', { error });
    await releaseLease(lease, 'failed', { pending_counters: [...pending] }, message.slice(0, 200)).catch(() => undefined);
    return { ran: true, outcome: 'failed', ...report, steps, errors: [message] };
  }
  const partial = outOfTime();
  await releaseLease(lease, partial ? 'partial' : 'completed', { pending_counters: [...pending] }, `${report.batches} batch(es), ${report.stepsProcessed} step(s)`);
  return { ran: true, outcome: partial ? 'partial' : 'completed', ...report, steps, errors: [] };
}
