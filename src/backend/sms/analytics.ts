/** Campaign analytics (aggregates only: a handful of data requests whatever the campaign size) and the reply inbox. */
import type { SMSCampaign, SMSMessage } from '../collections/sms';
import type { ReplyState } from '../collections/vocabulary';
import { summarizeExperiment } from '../outreach';
import { SMSOptOuts } from '../collections/sms';
import { optOutStateOf } from '../outreach/compliance';
import { elevatedCollection } from '../platform/data';
import { campaignStats } from './lifecycle';
import { campaigns, driversByIds, messages } from './records';

async function countByVariant(campaignId: string, extra: 'reply' | 'sent'): Promise<Map<string, number>> {
  const base = messages().filter().eq('campaign_id', campaignId);
  const filter = extra === 'reply' ? base.eq('reply_received', true) : base.isNotEmpty('twilio_sid');
  const result = await messages().aggregate().filter(filter).group('variant_id').count('n').run();
  const out = new Map<string, number>();
  for (const row of result.items as Record<string, unknown>[]) {
    const key = row['variant_id'] ?? (typeof row['_id'] === 'object' && row['_id'] !== null ? (row['_id'] as Record<string, unknown>)['variant_id'] : null);
    out.set(typeof key === 'string' ? key : '', typeof row['n'] === 'number' ? row['n'] : 0);
  }
  return out;
}

export async function campaignAnalytics(campaign: SMSCampaign) {
  const id = campaign._id;
  const [stats, replies, optOuts] = await Promise.all([
    campaignStats(id),
    messages().count((q) => q.eq('campaign_id', id).eq('reply_received', true)),
    messages().count((q) => q.eq('campaign_id', id).eq('opted_out', true)),
  ]);
  let variants = null;
  if (campaign.message_variants.length > 1) {
    const [sent, replied] = await Promise.all([countByVariant(id, 'sent'), countByVariant(id, 'reply')]);
    variants = summarizeExperiment({
      metric: 'replies',
      variants: campaign.message_variants.map((v) => ({ id: v.variant_id, ...(v.name ? { name: v.name } : {}), total: sent.get(v.variant_id) ?? 0, successes: Math.min(replied.get(v.variant_id) ?? 0, sent.get(v.variant_id) ?? 0) })),
    });
  }
  return {
    sent: stats.sent,
    delivered: stats.delivered,
    failed: stats.failed,
    undelivered: stats.undelivered,
    pending: stats.pending,
    held: stats.held,
    blocked: stats.blocked,
    canceled: stats.canceled,
    replies,
    optOuts,
    cost: stats.cost,
    costEstimate: campaign.cost_estimate,
    deliveryRate: stats.sent > 0 ? stats.delivered / stats.sent : 0,
    replyRate: stats.delivered > 0 ? replies / stats.delivered : 0,
    variants,
  };
}

export interface ReplyFilters {
  readonly state?: ReplyState;
  readonly campaignId?: string;
  readonly limit?: number;
  readonly skip?: number;
}

export interface ReplyView {
  readonly messageId: string;
  /** Null for a drip-sequence step's message (then `sequenceId` is set). */
  readonly campaignId: string | null;
  readonly sequenceId: string | null;
  readonly driverId: string | null;
  /** Masked: the inbox shows who, the full number stays on the server. */
  readonly phone: string;
  readonly sentBody: string;
  readonly reply: string;
  readonly replyAt: Date | null;
  readonly state: ReplyState;
  /** "First Last" of the driver profile, or null when the profile is gone. */
  readonly driverName: string | null;
  readonly campaignName: string | null;
  /** The driver opted out (by this reply thread, or since): no reply can be sent. */
  readonly optedOut: boolean;
}

export function maskedPhone(phone: string): string {
  return phone.length > 4 ? `${'•'.repeat(Math.max(0, phone.length - 4))}${phone.slice(-4)}` : phone;
}

export function replyView(m: SMSMessage, extra: Pick<ReplyView, 'driverName' | 'campaignName' | 'optedOut'> = { driverName: null, campaignName: null, optedOut: m.opted_out }): ReplyView {
  return {
    ...extra,
    messageId: m._id,
    campaignId: m.campaign_id ?? null,
    sequenceId: m.sequence_id ?? null,
    driverId: m.driver_id ?? null,
    phone: maskedPhone(m.phone_number),
    sentBody: m.message_body,
    reply: m.reply_content ?? '',
    replyAt: m.reply_at ?? null,
    state: m.reply_state ?? 'new',
  };
}

export async function listReplies(carrierDot: string, filters: ReplyFilters): Promise<{ replies: ReplyView[]; total: number }> {
  const build = (q: ReturnType<ReturnType<typeof messages>['query']>) => {
    let out = q.eq('carrier_dot', carrierDot).eq('reply_received', true);
    if (filters.campaignId) out = out.eq('campaign_id', filters.campaignId);
    if (filters.state) out = out.eq('reply_state', filters.state);
    return out;
  };
  const [items, total] = await Promise.all([
    messages().find((q) => build(q).descending('reply_at'), { limit: filters.limit ?? 50, skip: filters.skip ?? 0 }),
    messages().count(build),
  ]);
  // Names and opt-out state for the page: three reads for the whole page of replies.
  const phones = [...new Set(items.map((m) => m.phone_number))];
  const campaignIds = [...new Set(items.map((m) => m.campaign_id ?? '').filter((id) => id !== ''))];
  const [people, named, optOuts] = await Promise.all([
    driversByIds([...new Set(items.map((m) => m.driver_id ?? '').filter((id) => id !== ''))]),
    campaignIds.length > 0 ? campaigns().find((q) => q.hasSome('_id', campaignIds), { limit: 1000 }) : Promise.resolve([]),
    phones.length > 0 ? elevatedCollection(SMSOptOuts).find((q) => q.hasSome('phone_number', phones).hasSome('carrier_dot', [carrierDot, 'all']), { limit: 1000 }) : Promise.resolve([]),
  ]);
  const nameOf = new Map(people.map((d) => [d._id, `${d.first_name} ${d.last_name}`]));
  const campaignNameOf = new Map(named.map((c) => [c._id, c.campaign_name]));
  const replies = items.map((m) =>
    replyView(m, {
      driverName: nameOf.get(m.driver_id ?? '') ?? null,
      campaignName: campaignNameOf.get(m.campaign_id ?? '') ?? null,
      optedOut: m.opted_out || optOutStateOf(optOuts, m.phone_number, carrierDot).optedOut,
    }),
  );
  return { replies, total };
}
