/**
 * Email campaign analytics from aggregates only: one aggregate gives every status and engagement
 * count (status × opened × clicked × unsubscribed × spam_reported, with open / click / machine-open
 * sums), one count the unconfirmed requests, and a subject A/B test one more aggregate — whatever
 * the campaign size. The campaign list's basic stats come from one aggregate over the page.
 */
import type { EmailCampaign } from '../collections/email';
import { summarizeExperiment } from '../outreach';
import { groupValue, numberOf } from './lifecycle';
import { emailMessages } from './records';

/** Statuses of emails SendGrid has accepted (or may have, for `queued`). */
export const HANDED_OVER = ['queued', 'sent', 'deferred', 'delivered', 'bounced', 'dropped'] as const;

export interface EmailCampaignAnalytics {
  /** Accepted by SendGrid (queued with an id, processed, deferred, delivered, bounced or dropped). */
  readonly sent: number;
  readonly delivered: number;
  readonly deferred: number;
  readonly bounces: number;
  readonly dropped: number;
  /** Refused by SendGrid or given up (with a reason on each email). */
  readonly failed: number;
  /** Unique human opens (privacy-proxy opens are counted apart). */
  readonly opens: number;
  readonly totalOpens: number;
  readonly machineOpens: number;
  /** Unique clickers. */
  readonly clicks: number;
  readonly totalClicks: number;
  readonly unsubscribes: number;
  readonly spamReports: number;
  readonly pending: number;
  readonly held: number;
  readonly blocked: number;
  readonly canceled: number;
  /** Handed to SendGrid without an answer yet (see docs/email-campaigns.md, "Unconfirmed requests"). */
  readonly unconfirmed: number;
  readonly deliveryRate: number;
  readonly openRate: number;
  readonly clickRate: number;
  readonly clickToOpenRate: number;
  readonly bounceRate: number;
  readonly unsubscribeRate: number;
  readonly audienceCount: number;
  readonly costEstimate: number;
  readonly variants: ReturnType<typeof summarizeExperiment> | null;
}

const ratio = (n: number, d: number): number => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : 0);

async function subjectTest(campaign: EmailCampaign): Promise<EmailCampaignAnalytics['variants']> {
  if (campaign.subject_variants.length === 0) return null;
  const db = emailMessages();
  const result = await db.aggregate().filter(db.filter().eq('campaign_id', campaign._id).hasSome('status', ['delivered', 'bounced'])).group('variant_id', 'opened').count('n').limit(1000).run();
  const totals = new Map<string, { total: number; opened: number }>();
  for (const row of result.items as Record<string, unknown>[]) {
    const id = String(groupValue(row, 'variant_id') ?? '');
    const t = totals.get(id) ?? { total: 0, opened: 0 };
    t.total += numberOf(row, 'n');
    if (groupValue(row, 'opened') === true) t.opened += numberOf(row, 'n');
    totals.set(id, t);
  }
  const subjects = [campaign.subject_line, ...campaign.subject_variants];
  return summarizeExperiment({
    metric: 'opens',
    variants: subjects.map((subject, i) => {
      const id = String.fromCharCode(65 + i);
      const t = totals.get(id) ?? { total: 0, opened: 0 };
      return { id, name: subject, total: t.total, successes: t.opened, control: i === 0 };
    }),
  });
}

export async function emailCampaignAnalytics(campaign: EmailCampaign): Promise<EmailCampaignAnalytics> {
  const db = emailMessages();
  const [result, unconfirmed, variants] = await Promise.all([
    db
      .aggregate()
      .filter(db.filter().eq('campaign_id', campaign._id))
      .group('status', 'opened', 'clicked', 'unsubscribed', 'spam_reported')
      .count('n')
      .sum('open_count', 'opens')
      .sum('click_count', 'clicks')
      .sum('machine_open_count', 'machineOpens')
      .limit(1000)
      .run(),
    db.count((q) => q.eq('campaign_id', campaign._id).eq('status', 'queued').isEmpty('sent_at')),
    subjectTest(campaign),
  ]);
  const byStatus = new Map<string, number>();
  let opens = 0;
  let clicks = 0;
  let unsubscribes = 0;
  let spamReports = 0;
  let totalOpens = 0;
  let totalClicks = 0;
  let machineOpens = 0;
  for (const row of result.items as Record<string, unknown>[]) {
    const n = numberOf(row, 'n');
    const status = String(groupValue(row, 'status') ?? '');
    byStatus.set(status, (byStatus.get(status) ?? 0) + n);
    if (groupValue(row, 'opened') === true) opens += n;
    if (groupValue(row, 'clicked') === true) clicks += n;
    if (groupValue(row, 'unsubscribed') === true) unsubscribes += n;
    if (groupValue(row, 'spam_reported') === true) spamReports += n;
    totalOpens += numberOf(row, 'opens');
    totalClicks += numberOf(row, 'clicks');
    machineOpens += numberOf(row, 'machineOpens');
  }
  const count = (s: string): number => byStatus.get(s) ?? 0;
  const sent = HANDED_OVER.reduce((sum, s) => sum + count(s), 0) - unconfirmed;
  const delivered = count('delivered');
  return {
    sent,
    delivered,
    deferred: count('deferred'),
    bounces: count('bounced'),
    dropped: count('dropped'),
    failed: count('failed'),
    opens,
    totalOpens,
    machineOpens,
    clicks,
    totalClicks,
    unsubscribes,
    spamReports,
    pending: count('pending'),
    held: count('held'),
    blocked: count('blocked'),
    canceled: count('canceled'),
    unconfirmed,
    deliveryRate: ratio(delivered, sent),
    openRate: ratio(opens, delivered),
    clickRate: ratio(clicks, delivered),
    clickToOpenRate: ratio(clicks, opens),
    bounceRate: ratio(count('bounced'), sent),
    unsubscribeRate: ratio(unsubscribes, delivered),
    audienceCount: campaign.audience_count,
    costEstimate: campaign.cost_estimate ?? 0,
    variants,
  };
}

export interface ListStats {
  readonly sent: number;
  readonly opened: number;
  readonly clicked: number;
}

/** Basic stats of a page of campaigns (sent, opened, clicked): one aggregate for the whole page. */
export async function listStats(campaignIds: readonly string[]): Promise<Map<string, ListStats>> {
  const out = new Map<string, ListStats>();
  if (campaignIds.length === 0) return out;
  const db = emailMessages();
  const result = await db.aggregate().filter(db.filter().hasSome('campaign_id', [...campaignIds]).hasSome('status', [...HANDED_OVER])).group('campaign_id', 'opened', 'clicked').count('n').limit(1000).run();
  for (const row of result.items as Record<string, unknown>[]) {
    const id = String(groupValue(row, 'campaign_id') ?? '');
    const n = numberOf(row, 'n');
    const s = out.get(id) ?? { sent: 0, opened: 0, clicked: 0 };
    out.set(id, { sent: s.sent + n, opened: s.opened + (groupValue(row, 'opened') === true ? n : 0), clicked: s.clicked + (groupValue(row, 'clicked') === true ? n : 0) });
  }
  return out;
}
