/**
 * Scheduled jobs (`backend/jobs.config` → `/jobs.js`). Each job is a bounded, resumable batch that
 * holds its lease while it runs, so Wix's at-least-once delivery never runs the same work twice.
 */
import { acquireLease, releaseLease } from './jobs/leases';
import { createLogger, nowMs } from './platform';
import { twilioFromSecrets } from './adapters/smsTwilio';
import { runSmsScheduler, SMS_JOB_NAME } from './sms/scheduler';

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

/**
 * Every 5 minutes (spec §7): sends due SMS campaigns under the job lease and a 9-minute time
 * budget, then reconciles delivery statuses in bulk (src/backend/sms/scheduler.ts).
 */
export async function processScheduledSMSCampaigns(): Promise<JobRunReport> {
  const job = SMS_JOB_NAME;
  const { provider, config } = await twilioFromSecrets();
  const report = await runSmsScheduler({ provider, publicBaseUrl: config.publicBaseUrl, holder: runId(job) });
  if (!report.ran) return { job, ran: false, reason: 'lease held by another run' };
  log.info('sms campaigns processed', { job, outcome: report.outcome, campaigns: report.campaigns.length, reconciled: report.reconciled });
  return { job, ran: true };
}
