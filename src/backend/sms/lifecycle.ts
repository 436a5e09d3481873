/**
 * Where a campaign stands after a sending slice: still streaming, waiting for held messages, the
 * next occurrence of a recurring campaign, or completed. Also the campaign's stats roll-up.
 */
import type { CampaignStats } from '../collections/common';
import type { SMSCampaign } from '../collections/sms';
import { nextRecurringRun } from '../outreach';
import { now as clockNow } from '../platform';
import { campaigns, messages, patchCampaign } from './records';
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

/** Writes the campaign's next state (sender-owned fields only, on a fresh read). */
export async function finishSlice(input: { campaignId: string; stop: SliceOutcome | null; audienceDone: boolean; run: number }): Promise<SliceOutcome> {
  const { campaignId, stop, audienceDone, run } = input;
  if (stop === 'paused' || stop === 'not_sendable') return stop;
  const at = clockNow();
  if (stop === 'out_of_time' || !audienceDone) {
    await patchCampaign(campaignId, (c) => (c.status === 'active' ? { next_run_at: at } : null));
    return 'out_of_time';
  }
  const heldAt = await nextHeldAt(campaignId);
  const stats = await campaignStats(campaignId);
  let outcome: SliceOutcome = 'completed';
  await patchCampaign(campaignId, (c): Partial<SMSCampaign> | null => {
    const common = { audience_done: true, stats: { ...stats, replies: c.stats?.replies ?? 0, opt_outs: c.stats?.opt_outs ?? 0 }, actual_cost: stats.cost };
    if (c.status !== 'active' || (c.run_number ?? 0) !== run) return common;
    if (heldAt) {
      outcome = 'waiting_for_held';
      return { ...common, next_run_at: heldAt };
    }
    const next = c.schedule_type === 'recurring' && c.recurring_schedule ? nextRecurringRun(c.recurring_schedule, at) : null;
    if (next) {
      outcome = 'rescheduled';
      return { ...common, run_number: run + 1, audience_done: false, next_run_at: next };
    }
    return { ...common, status: 'completed', completed_at: at, next_run_at: null };
  });
  return outcome;
}

/** Campaigns due now (status active or scheduled, next_run_at ≤ now), oldest first: one read. */
export async function claimDueCampaigns(limit: number): Promise<SMSCampaign[]> {
  const at = clockNow();
  return campaigns().find((q) => q.hasSome('status', ['active', 'scheduled']).le('next_run_at', at).ascending('next_run_at'), { limit });
}
