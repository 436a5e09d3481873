/**
 * `processScheduledEmailCampaigns`: every 5 minutes, under the job lease and a time budget, claims
 * due email campaigns (scheduled ones become active) and sends each for as long as the budget lasts.
 * Delivery statuses, opens and clicks arrive by the SendGrid Event Webhook (src/backend/email/events).
 */
import { runUnderLease } from '../jobs/run';
import { now as clockNow } from '../platform';
import { claimDueEmailCampaigns } from './lifecycle';
import { patchEmailCampaign } from './records';
import { sendEmailCampaignSlice, type EmailSenderOptions, type EmailSliceReport } from './sender';

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

export async function runEmailScheduler(options: EmailSchedulerOptions): Promise<EmailSchedulerReport> {
  const result = await runUnderLease({ jobName: EMAIL_JOB_NAME, holder: options.holder, budgetMs: options.budgetMs ?? 9 * 60_000, ...(options.elapsedMs ? { elapsedMs: options.elapsedMs } : {}) }, async ({ outOfTime, heartbeat }) => {
    const reports: EmailSliceReport[] = [];
    const due = (await claimDueEmailCampaigns(50)).filter((c) => options.onlyCampaignId === undefined || c._id === options.onlyCampaignId);
    for (const campaign of due) {
      if (outOfTime()) break;
      if (campaign.status === 'scheduled') {
        const activated = await patchEmailCampaign(campaign._id, { status: 'active', started_at: campaign.started_at ?? clockNow() }, (f) => f.eq('status', 'scheduled').isEmpty('archived_at'));
        if (activated?.status !== 'active') continue;
      }
      reports.push(await sendEmailCampaignSlice(campaign._id, { ...options, outOfTime, heartbeat }));
    }
    return { value: reports, partial: reports.some((r) => r.outcome === 'out_of_time'), note: `${reports.length} campaign(s)` };
  });
  if (!result.ran) return { ran: false, outcome: 'skipped', campaigns: [] };
  return { ran: true, outcome: result.partial ? 'partial' : 'completed', campaigns: result.value };
}
