/**
 * `processScheduledSMSCampaigns`: every 5 minutes, under the job lease and a time budget, claims
 * due campaigns (scheduled ones become active), sends each for as long as the budget lasts, then
 * reconciles delivery statuses in bulk for campaigns that don't use per-message callbacks.
 */
import { acquireLease, checkpointLease, releaseLease, type HeldLease } from '../jobs/leases';
import { createLogger, now as clockNow } from '../platform';
import { claimDueCampaigns } from './lifecycle';
import { patchCampaign } from './records';
import { reconcilePendingStatuses } from './reconcile';
import { sendCampaignSlice, type SenderOptions, type SliceReport } from './sender';

const log = createLogger('sms.scheduler');

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

const CHECKPOINT_EVERY_MS = 60_000;

export async function runSmsScheduler(options: SchedulerOptions): Promise<SchedulerReport> {
  const budgetMs = options.budgetMs ?? 9 * 60_000;
  const started = performance.now();
  const elapsed = options.elapsedMs ?? ((): number => performance.now() - started);
  const ttlMs = budgetMs + 2 * 60_000;
  const lease: HeldLease | null = await acquireLease(SMS_JOB_NAME, options.holder, ttlMs);
  if (!lease) return { ran: false, outcome: 'skipped', campaigns: [], reconciled: 0 };
  let lastCheckpoint = elapsed();
  const outOfTime = (): boolean => elapsed() >= budgetMs;
  const heartbeat = async (): Promise<void> => {
    if (elapsed() - lastCheckpoint < CHECKPOINT_EVERY_MS) return;
    lastCheckpoint = elapsed();
    await checkpointLease(lease, { at: clockNow().toISOString() }, ttlMs);
  };
  const reports: SliceReport[] = [];
  let reconciled = 0;
  try {
    const due = (await claimDueCampaigns(50)).filter((c) => options.onlyCampaignId === undefined || c._id === options.onlyCampaignId);
    for (const campaign of due) {
      if (outOfTime()) break;
      if (campaign.status === 'scheduled') {
        const activated = await patchCampaign(campaign._id, { status: 'active', started_at: campaign.started_at ?? clockNow() }, (f) => f.eq('status', 'scheduled'));
        if (activated?.status !== 'active') continue;
      }
      reports.push(await sendCampaignSlice(campaign._id, { ...options, outOfTime, heartbeat }));
    }
    if (options.reconcile !== false && !outOfTime()) {
      reconciled = (await reconcilePendingStatuses({ provider: options.provider })).updated;
    }
  } catch (error) {
    log.error('sms scheduler run failed', { error });
    await releaseLease(lease, 'failed', null, error instanceof Error ? error.message.slice(0, 200) : 'failed').catch(() => undefined);
    throw error;
  }
  const partial = outOfTime() || reports.some((r) => r.outcome === 'out_of_time');
  await releaseLease(lease, partial ? 'partial' : 'completed', null, `${reports.length} campaign(s)`);
  return { ran: true, outcome: partial ? 'partial' : 'completed', campaigns: reports, reconciled };
}
