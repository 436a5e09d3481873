/**
 * Where a campaign stands after a sending slice: still streaming, waiting for held messages, the
 * next occurrence of a recurring campaign, or completed. Also the campaign's stats roll-up.
 */
import type { CampaignStats } from '../collections/common';
import type { SMSCampaign } from '../collections/sms';
import { nextRecurringRun } from '../outreach';
import { now as clockNow } from '../platform';
import type { WixDataFilter } from '../platform/data';
import { campaigns, messages, patchCampaign, type CampaignFields } from './records';
import type { SliceOutcome } from './sender';

/** Counts per status and total cost of a campaign's messages: one aggregate request. */
export async function campaignStats(campaignId: string): Promise<CampaignStats & { pending: number; canceled: number; undelivered: number }> {
  const result = await messages().aggregate().filter(messages().filter().eq('campaign_id', campaignId)).group('status').count('n').sum('cost', 'cost').run();
  const by = new Map<string, { n: number; cost: number }>();
  for (const row of result.items as Record<string, unknown>[]) {
    const status = typeof row['status'] === 'string' ? row['status'] : typeof row['_id'] === 'object' && row['_id'] !== null ? String((row['_id'] as Record<string, unknown>)['status']) : '';
    by.set(status, { n: typeof row['n'] === 'number' ? row['n'] : 0, cost: typeof row['cost'] === 'number' ? row['cost'] : 0 });
  }
  const n = (s: string): number => by.get(s)?.n ?? 0;
  const cost = [...by.values()].reduce((sum, v) => sum + v.cost, 0);
  return {
    queued: n('queued') + n('sending'),
    sent: n('queued') + n('sent') + n('delivered') + n('undelivered'),
    delivered: n('delivered'),
    failed: n('failed') + n('undelivered'),
    undelivered: n('undelivered'),
    held: n('held'),
    blocked: n('blocked'),
    pending: n('pending') + n('sending') + n('held'),
    canceled: n('canceled'),
    replies: 0,
    opt_outs: 0,
    cost: Math.round(cost * 10_000) / 10_000,
  };
}

async function nextHeldAt(campaignId: string): Promise<Date | null> {
  const [first] = await messages().find((q) => q.eq('campaign_id', campaignId).eq('status', 'held').ascending('send_after'), { limit: 1 });
  return first ? (first.send_after ?? clockNow()) : null;
}

/**
 * Writes the campaign's next state: sender-owned fields only (patch). A status change (completed)
 * or a new run is written only while the campaign is still `active` on this run, so a pause that
 * landed during the slice always wins.
 */
export async function finishSlice(input: { campaignId: string; stop: SliceOutcome | null; audienceDone: boolean; run: number }): Promise<SliceOutcome> {
  const { campaignId, stop, audienceDone, run } = input;
  if (stop === 'paused' || stop === 'not_sendable') return stop;
  const at = clockNow();
  const stillRunning = (f: WixDataFilter): WixDataFilter => f.eq('status', 'active').eq('run_number', run);
  if (stop === 'out_of_time' || !audienceDone) {
    await patchCampaign(campaignId, { next_run_at: at }, stillRunning);
    return 'out_of_time';
  }
  const heldAt = await nextHeldAt(campaignId);
  const stats = await campaignStats(campaignId);
  const fresh = await campaigns().get(campaignId);
  if (!fresh) return 'not_sendable';
  const common = { audience_done: true, stats: { ...stats, replies: fresh.stats?.replies ?? 0, opt_outs: fresh.stats?.opt_outs ?? 0 }, actual_cost: stats.cost };
  let outcome: SliceOutcome = 'completed';
  let next: CampaignFields = { ...common, status: 'completed', completed_at: at, next_run_at: null };
  const recurringAt = fresh.schedule_type === 'recurring' && fresh.recurring_schedule ? nextRecurringRun(fresh.recurring_schedule, at) : null;
  if (heldAt) {
    outcome = 'waiting_for_held';
    next = { ...common, next_run_at: heldAt };
  } else if (recurringAt) {
    outcome = 'rescheduled';
    next = { ...common, run_number: run + 1, audience_done: false, next_run_at: recurringAt };
  }
  const written = fresh.status === 'active' && (fresh.run_number ?? 0) === run ? await patchCampaign(campaignId, next, stillRunning) : null;
  if (written) return outcome;
  // Paused (or otherwise changed) meanwhile: record the roll-up, leave status and schedule alone.
  await patchCampaign(campaignId, common);
  return 'paused';
}

/** Campaigns due now (status active or scheduled, next_run_at ≤ now), oldest first: one read. */
export async function claimDueCampaigns(limit: number): Promise<SMSCampaign[]> {
  const at = clockNow();
  return campaigns().find((q) => q.hasSome('status', ['active', 'scheduled']).le('next_run_at', at).ascending('next_run_at'), { limit });
}
