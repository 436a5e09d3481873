/**
 * Scheduled jobs (`backend/jobs.config` → `/jobs.js`). Each job is a bounded, resumable batch that
 * holds its lease while it runs, so Wix's at-least-once delivery never runs the same work twice.
 */
import { acquireLease, releaseLease } from './jobs/leases';
import { createLogger, nowMs } from './platform';

const log = createLogger('jobs');

function runId(jobName: string): string {
  return `${jobName}@${nowMs().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface JobRunReport {
  readonly job: string;
  readonly ran: boolean;
  readonly reason?: string;
}

/** Hourly: records that the scheduler delivered the job (the lease chain is the run history). */
export async function recordSchedulerHeartbeat(): Promise<JobRunReport> {
  const job = 'recordSchedulerHeartbeat';
  const lease = await acquireLease(job, runId(job), 60_000);
  if (!lease) {
    log.info('skipped: another run holds the lease', { job });
    return { job, ran: false, reason: 'lease held by another run' };
  }
  await releaseLease(lease, 'completed', null, 'heartbeat');
  return { job, ran: true };
}
