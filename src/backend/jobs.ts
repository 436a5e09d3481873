/**
 * Scheduled jobs (`backend/jobs.config` → `/jobs.js`). Each job is a bounded, resumable batch that
 * holds its lease while it runs, so Wix's at-least-once delivery never runs the same work twice.
 */
import { acquireLease, releaseLease } from './jobs/leases';
import { createLogger, nowMs } from './platform';
import { twilioFromSecrets } from './adapters/smsTwilio';
import { runSmsScheduler, SMS_JOB_NAME } from './sms/scheduler';
import { sequenceChannelsFromSecrets } from './sequences/channels';
import { runSequenceSteps, SEQUENCE_JOB_NAME } from './sequences/job';
import { pruneSendGridEventReceipts as pruneReceipts } from './email/events';
import { sendGridFromSecrets } from './adapters/emailSendGrid';
import { EMAIL_JOB_NAME, runEmailScheduler } from './email/scheduler';
import { processEmailSuppressions as applyQueuedSuppressions, SUPPRESSION_JOB_NAME } from './email/suppressionEffects';

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

/**
 * Every 5 minutes: sends due email campaigns under the job lease and a 9-minute time budget
 * (src/backend/email/scheduler.ts); delivery and engagement arrive by the SendGrid Event Webhook.
 */
export async function processScheduledEmailCampaigns(): Promise<JobRunReport> {
  const job = EMAIL_JOB_NAME;
  const { provider, config } = await sendGridFromSecrets();
  const report = await runEmailScheduler({ provider, publicBaseUrl: config.publicBaseUrl, unsubscribeSecret: config.unsubscribeSecret, holder: runId(job) });
  if (!report.ran) return { job, ran: false, reason: 'lease held by another run' };
  log.info('email campaigns processed', { job, outcome: report.outcome, campaigns: report.campaigns.length });
  return { job, ran: true };
}

/**
 * Hourly: removes SendGrid Event Webhook receipts older than 72 h, within a 2-minute budget (one
 * read and one write per 1000; the next run continues). Overlapping runs are harmless, so no lease.
 */
export async function pruneSendGridEventReceipts(): Promise<JobRunReport> {
  const job = 'pruneSendGridEventReceipts';
  const report = await pruneReceipts({ budgetMs: 120_000 });
  log.info('sendgrid event receipts pruned', { job, removed: report.removed, partial: report.partial });
  return { job, ran: true };
}

/**
 * Every 5 minutes: the side effects of new email suppressions (the Event Webhook writes the
 * EmailSuppressions items and queues them; sends read those items, so nothing waits for this):
 * the DriverProfiles mirror, unsent email canceled, sequence enrollments ended (`unsubscribed`).
 * Idempotent and queue-driven (`effects_due_at`), so no lease; a 4-minute budget, the next run continues.
 */
export async function processEmailSuppressions(): Promise<JobRunReport> {
  const job = SUPPRESSION_JOB_NAME;
  const report = await applyQueuedSuppressions({ budgetMs: 4 * 60_000 });
  log.info('email suppressions applied', { job, items: report.items, failed: report.failed, partial: report.partial, driversUpdated: report.driversUpdated, emailsCanceled: report.emailsCanceled, enrollmentsExited: report.enrollmentsExited });
  return { job, ran: true };
}

/**
 * Every 15 minutes (spec §7): runs due drip-sequence steps under the job lease and a 10-minute
 * budget, enrolls new `audience_match` drivers, keeps the sequences' counters exact
 * (src/backend/sequences/job.ts, docs/sequences.md).
 */
export async function processEmailSequenceSteps(): Promise<JobRunReport> {
  const job = SEQUENCE_JOB_NAME;
  const channels = await sequenceChannelsFromSecrets();
  const report = await runSequenceSteps({ channels, holder: runId(job) });
  if (!report.ran) return { job, ran: false, reason: 'lease held by another run' };
  log.info('sequence steps processed', { job, outcome: report.outcome, batches: report.batches, steps: report.stepsProcessed, enrolledByTriggers: report.enrolledByTriggers, errors: report.errors.length });
  return { job, ran: true };
}
