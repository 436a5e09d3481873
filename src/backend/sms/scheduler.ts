/**
 * `processScheduledSMSCampaigns`: every 5 minutes, under the job lease and a time budget, claims
 * due campaigns (scheduled ones become active), sends each for as long as the budget lasts, then
 * reconciles delivery statuses in bulk for campaigns that don't use per-message callbacks.
 */
import { runUnderLease } from '../jobs/run';
import { now as clockNow } from '../platform';
import { claimDueCampaigns } from './lifecycle';
import { patchCampaign } from './records';
import { reconcilePendingStatuses } from './reconcile';
import { sendCampaignSlice, type SenderOptions, type SliceReport } from './sender';

export const SMS_JOB_NAME = 'processScheduledSMSCampaigns';

export interface SchedulerOptions extends Omit<SenderOptions, 'outOfTime' | 'heartbeat'> {
  /** Time budget of one run (default 9 minutes of the 5-minute cadence: overlapping runs wait on the lease). */
  readonly budgetMs?: number;
  /** Elapsed ms since the run started (default: monotonic process time). */
  readonly elapsedMs?: () => number;
  readonly holder: string;
  /** Only this campaign (the inline kick after sendSMSCampaign). */
  readonly onlyCampaignId?: string;
  readonly reconcile?: boolean;
}

export interface SchedulerReport {
  readonly ran: boolean;
  readonly outcome: 'completed' | 'partial' | 'skipped';
  readonly campaigns: SliceReport[];
  readonly reconciled: number;
}

export async function runSmsScheduler(options: SchedulerOptions): Promise<SchedulerReport> {
  const result = await runUnderLease({ jobName: SMS_JOB_NAME, holder: options.holder, budgetMs: options.budgetMs ?? 9 * 60_000, ...(options.elapsedMs ? { elapsedMs: options.elapsedMs } : {}) }, async ({ outOfTime, heartbeat }) => {
    const reports: SliceReport[] = [];
    const due = (await claimDueCampaigns(50)).filter((c) => options.onlyCampaignId === undefined || c._id === options.onlyCampaignId);
    for (const campaign of due) {
      if (outOfTime()) break;
      if (campaign.status === 'scheduled') {
        const activated = await patchCampaign(campaign._id, { status: 'active', started_at: campaign.started_at ?? clockNow() }, (f) => f.eq('status', 'scheduled'));
        if (activated?.status !== 'active') continue;
      }
      reports.push(await sendCampaignSlice(campaign._id, { ...options, outOfTime, heartbeat }));
    }
    let reconciled = 0;
    if (options.reconcile !== false && !outOfTime()) {
      reconciled = (await reconcilePendingStatuses({ provider: options.provider })).updated;
    }
    return { value: { reports, reconciled }, partial: reports.some((r) => r.outcome === 'out_of_time'), note: `${reports.length} campaign(s)` };
  });
  if (!result.ran) return { ran: false, outcome: 'skipped', campaigns: [], reconciled: 0 };
  return { ran: true, outcome: result.partial ? 'partial' : 'completed', campaigns: result.value.reports, reconciled: result.value.reconciled };
}
