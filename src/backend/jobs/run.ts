/**
 * One run of a scheduled job under its lease and a time budget: take the lease (or skip when a live
 * run holds it), give the work `outOfTime()` and a `heartbeat()` that extends the lease at most once
 * a minute (LeaseLostError when it was taken over), then release it as completed, partial or failed.
 */
import { createLogger, now as clockNow } from '../platform';
import { acquireLease, checkpointLease, releaseLease } from './leases';

export interface JobRun {
  outOfTime(): boolean;
  heartbeat(): Promise<void>;
}

export interface LeasedRunOptions {
  readonly jobName: string;
  readonly holder: string;
  /** Time budget of the run; the lease lasts two minutes longer. */
  readonly budgetMs: number;
  /** Elapsed ms since the run started (default: monotonic process time). */
  readonly elapsedMs?: () => number;
}

export type LeasedRunResult<R> = { readonly ran: false } | { readonly ran: true; readonly partial: boolean; readonly value: R };

const CHECKPOINT_EVERY_MS = 60_000;
const log = createLogger('jobs.run');

/** `work` reports its value, whether it left work for the next run, and a short note for the lease record. */
export async function runUnderLease<R>(options: LeasedRunOptions, work: (run: JobRun) => Promise<{ value: R; partial: boolean; note: string }>): Promise<LeasedRunResult<R>> {
  const started = performance.now();
  const elapsed = options.elapsedMs ?? ((): number => performance.now() - started);
  const ttlMs = options.budgetMs + 2 * 60_000;
  const lease = await acquireLease(options.jobName, options.holder, ttlMs);
  if (!lease) return { ran: false };
  let lastCheckpoint = elapsed();
  const run: JobRun = {
    outOfTime: () => elapsed() >= options.budgetMs,
    heartbeat: async () => {
      if (elapsed() - lastCheckpoint < CHECKPOINT_EVERY_MS) return;
      lastCheckpoint = elapsed();
      await checkpointLease(lease, { at: clockNow().toISOString() }, ttlMs);
    },
  };
  let done: { value: R; partial: boolean; note: string };
  try {
    done = await work(run);
  } catch (error) {
    log.error(`${options.jobName} run failed`, { error });
    await releaseLease(lease, 'failed', null, error instanceof Error ? error.message.slice(0, 200) : 'failed').catch(() => undefined);
    throw error;
  }
  const partial = done.partial || run.outOfTime();
  await releaseLease(lease, partial ? 'partial' : 'completed', null, done.note);
  return { ran: true, partial, value: done.value };
}
