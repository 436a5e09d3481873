/**
 * `processScheduledEmailCampaigns`: every 5 minutes, under the job lease and a time budget, claims
 * due email campaigns (scheduled ones become active) and sends each for as long as the budget lasts.
 * Delivery statuses, opens and clicks arrive by the SendGrid Event Webhook (src/backend/email/events).
 */
import { acquireLease, checkpointLease, releaseLease, type HeldLease } from '../jobs/leases';
import { createLogger, now as clockNow } from '../platform';
import { claimDueEmailCampaigns } from './lifecycle';
import { patchEmailCampaign } from './records';
import { sendEmailCampaignSlice, type EmailSenderOptions, type EmailSliceReport } from './sender';

const log = createLogger('email.scheduler');

export const EMAIL_JOB_NAME = 'processScheduledEmailCampaigns';

export interface EmailSchedulerOptions extends Omit<EmailSenderOptions, 'outOfTime' | 'heartbeat'> {
  /** Time budget of one run (default 9 minutes of the 5-minute cadence: overlapping runs wait on the lease). */
  readonly budgetMs?: number;
  /** Elapsed ms since the run started (default: monotonic process time). */
  readonly elapsedMs?: () => number;
  readonly holder: string;
  /** Only this campaign (the inline kick after sendEmailCampaign). */
  readonly onlyCampaignId?: string;
}

export interface EmailSchedulerReport {
  readonly ran: boolean;
  readonly outcome: 'completed' | 'partial' | 'skipped';
  readonly campaigns: EmailSliceReport[];
}

const CHECKPOINT_EVERY_MS = 60_000;

export async function runEmailScheduler(options: EmailSchedulerOptions): Promise<EmailSchedulerReport> {
  const budgetMs = options.budgetMs ?? 9 * 60_000;
  const started = performance.now();
  const elapsed = options.elapsedMs ?? ((): number => performance.now() - started);
  const ttlMs = budgetMs + 2 * 60_000;
  const lease: HeldLease | null = await acquireLease(EMAIL_JOB_NAME, options.holder, ttlMs);
  if (!lease) return { ran: false, outcome: 'skipped', campaigns: [] };
  let lastCheckpoint = elapsed();
  const outOfTime = (): boolean => elapsed() >= budgetMs;
  const heartbeat = async (): Promise<void> => {
    if (elapsed() - lastCheckpoint < CHECKPOINT_EVERY_MS) return;
    lastCheckpoint = elapsed();
    await checkpointLease(lease, { at: clockNow().toISOString() }, ttlMs);
  };
  const reports: EmailSliceReport[] = [];
  try {
    const due = (await claimDueEmailCampaigns(50)).filter((c) => options.onlyCampaignId === undefined || c._id === options.onlyCampaignId);
    for (const campaign of due) {
      if (outOfTime()) break;
      if (campaign.status === 'scheduled') {
        const activated = await patchEmailCampaign(campaign._id, { status: 'active', started_at: campaign.started_at ?? clockNow() }, (f) => f.eq('status', 'scheduled').isEmpty('archived_at'));
        if (activated?.status !== 'active') continue;
      }
      reports.push(await sendEmailCampaignSlice(campaign._id, { ...options, outOfTime, heartbeat }));
    }
  } catch (error) {
    log.error('email scheduler run failed', { error });
    await releaseLease(lease, 'failed', null, error instanceof Error ? error.message.slice(0, 200) : 'failed').catch(() => undefined);
    throw error;
  }
  const partial = outOfTime() || reports.some((r) => r.outcome === 'out_of_time');
  await releaseLease(lease, partial ? 'partial' : 'completed', null, `${reports.length} campaign(s)`);
  return { ran: true, outcome: partial ? 'partial' : 'completed', campaigns: reports };
}
