/**
 * Where an email campaign stands after a sending slice (still streaming, waiting for held or
 * unconfirmed emails, or completed), its stats roll-up, and the due-campaign claim of the job.
 */
import type { CampaignStats } from '../collections/common';
import type { EmailCampaign } from '../collections/email';
import { DEFAULT_AUDIENCE_PRICING } from '../outreach/audience';
import { now as clockNow } from '../platform';
import type { WixDataFilter } from '../platform/data';
import { emailCampaigns, emailMessages, patchEmailCampaign, type EmailCampaignFields } from './records';

export type SliceOutcome = 'completed' | 'waiting' | 'paused' | 'out_of_time' | 'not_sendable' | 'provider_refused';

export interface EmailStatusCounts {
  readonly byStatus: ReadonlyMap<string, number>;
  readonly unsubscribed: number;
}

/** A group key of an aggregate row (Wix returns it at top level or under `_id`). */
export function groupValue(row: Record<string, unknown>, field: string): unknown {
  if (field in row) return row[field];
  const id = row['_id'];
  return typeof id === 'object' && id !== null ? (id as Record<string, unknown>)[field] : undefined;
}

export function numberOf(row: Record<string, unknown>, field: string): number {
  const v = row[field];
  return typeof v === 'number' ? v : 0;
}

/** Counts per status (and unsubscribes) of a campaign's emails: one aggregate request. */
export async function emailStatusCounts(campaignId: string): Promise<EmailStatusCounts> {
  const db = emailMessages();
  const result = await db.aggregate().filter(db.filter().eq('campaign_id', campaignId)).group('status', 'unsubscribed').count('n').limit(1000).run();
  const byStatus = new Map<string, number>();
  let unsubscribed = 0;
  for (const row of result.items as Record<string, unknown>[]) {
    const status = String(groupValue(row, 'status') ?? '');
    const n = numberOf(row, 'n');
    byStatus.set(status, (byStatus.get(status) ?? 0) + n);
    if (groupValue(row, 'unsubscribed') === true) unsubscribed += n;
  }
  return { byStatus, unsubscribed };
}

/** The campaign list's roll-up (CampaignStats): handed to SendGrid, delivered, failed (incl. bounces and drops)… */
export function statsOf(counts: EmailStatusCounts): CampaignStats & { pending: number; canceled: number } {
  const n = (s: string): number => counts.byStatus.get(s) ?? 0;
  const sent = n('queued') + n('sent') + n('deferred') + n('delivered') + n('bounced') + n('dropped');
  return {
    queued: n('pending') + n('queued'),
    sent,
    delivered: n('delivered'),
    failed: n('failed') + n('bounced') + n('dropped'),
    held: n('held'),
    blocked: n('blocked'),
    pending: n('pending') + n('held'),
    canceled: n('canceled'),
    replies: 0,
    opt_outs: counts.unsubscribed,
    cost: Math.round(sent * DEFAULT_AUDIENCE_PRICING.emailPrice * 10_000) / 10_000,
  };
}

/** When the campaign has emails still to hand over: held ones at their time, `pending` ones (a 429 streak) at once. */
async function nextOpenAt(campaignId: string): Promise<Date | null> {
  const [pending] = await emailMessages().find((q) => q.eq('campaign_id', campaignId).eq('status', 'pending'), { limit: 1 });
  if (pending) return clockNow();
  const [held] = await emailMessages().find((q) => q.eq('campaign_id', campaignId).eq('status', 'held').ascending('send_after'), { limit: 1 });
  return held ? (held.send_after ?? clockNow()) : null;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * Writes the campaign's next state (sender-owned fields only). Completion is written only while the
 * campaign is still `active` on this run, so a pause that landed during the slice always wins.
 * `unconfirmedAt`: when unconfirmed requests can next be resolved (null: none).
 */
export async function finishSlice(input: { campaignId: string; stop: SliceOutcome | null; audienceDone: boolean; run: number; unconfirmedAt: Date | null }): Promise<SliceOutcome> {
  const { campaignId, stop, audienceDone, run } = input;
  if (stop === 'paused' || stop === 'not_sendable') return stop;
  const at = clockNow();
  const stillRunning = (f: WixDataFilter): WixDataFilter => f.eq('status', 'active').eq('run_number', run);
  if (stop === 'out_of_time' || stop === 'provider_refused' || !audienceDone) {
    await patchEmailCampaign(campaignId, { next_run_at: at }, stillRunning);
    return stop ?? 'out_of_time';
  }
  const waitUntil = earliest(await nextOpenAt(campaignId), input.unconfirmedAt);
  const stats = statsOf(await emailStatusCounts(campaignId));
  const common: EmailCampaignFields = { audience_done: true, stats: { queued: stats.queued, sent: stats.sent, delivered: stats.delivered, failed: stats.failed, held: stats.held, blocked: stats.blocked, replies: 0, opt_outs: stats.opt_outs, cost: stats.cost } };
  const next: EmailCampaignFields = waitUntil ? { ...common, next_run_at: waitUntil } : { ...common, status: 'completed', completed_at: at, next_run_at: null };
  const written = await patchEmailCampaign(campaignId, next, stillRunning);
  if (written) return waitUntil ? 'waiting' : 'completed';
  // Paused (or otherwise changed) meanwhile: record the roll-up, leave status and schedule alone.
  await patchEmailCampaign(campaignId, common);
  return 'paused';
}

/** Campaigns due now (status active or scheduled, next_run_at ≤ now), oldest first: one read. */
export async function claimDueEmailCampaigns(limit: number): Promise<EmailCampaign[]> {
  const at = clockNow();
  return emailCampaigns().find((q) => q.hasSome('status', ['active', 'scheduled']).le('next_run_at', at).isEmpty('archived_at').ascending('next_run_at'), { limit });
}
