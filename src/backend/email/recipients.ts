/**
 * What the analytics page shows beyond the totals: the open/click timeline (two aggregates over the
 * first-open / first-click hour the event webhook stores) and the per-recipient status table
 * (one page of EmailMessages, one count, one read of those drivers' names: three reads a page).
 * Addresses are masked (`d***@example.com`): the table is for status, not for copying lists.
 */
import { DriverProfiles } from '../collections/people';
import type { EmailMessageStatus } from '../collections/vocabulary';
import { elevatedCollection, maskEmail } from '../platform';
import { groupValue, numberOf } from './lifecycle';
import { emailMessages } from './records';

export interface TimelinePoint {
  /** Start of the UTC hour (ISO). */
  readonly at: string;
  /** Recipients whose first human open fell in that hour. */
  readonly opens: number;
  /** Recipients whose first click fell in that hour. */
  readonly clicks: number;
}

async function firstsByHour(campaignId: string, field: 'opened_hour' | 'clicked_hour'): Promise<Map<string, number>> {
  const db = emailMessages();
  const result = await db.aggregate().filter(db.filter().eq('campaign_id', campaignId).isNotEmpty(field)).group(field).count('n').limit(1000).run();
  const out = new Map<string, number>();
  for (const row of result.items as Record<string, unknown>[]) {
    const hour = groupValue(row, field);
    if (typeof hour === 'string') out.set(hour, numberOf(row, 'n'));
  }
  return out;
}

/** Opens and clicks per UTC hour, oldest first (≤ 1000 hours: 41 days). */
export async function engagementTimeline(campaignId: string): Promise<TimelinePoint[]> {
  const [opens, clicks] = await Promise.all([firstsByHour(campaignId, 'opened_hour'), firstsByHour(campaignId, 'clicked_hour')]);
  return [...new Set([...opens.keys(), ...clicks.keys()])].sort().map((hour) => ({ at: `${hour}:00:00.000Z`, opens: opens.get(hour) ?? 0, clicks: clicks.get(hour) ?? 0 }));
}

export interface RecipientRow {
  readonly messageId: string;
  readonly driverId: string | null;
  readonly driverName: string | null;
  readonly email: string;
  readonly status: EmailMessageStatus;
  readonly variantId: string | null;
  readonly sentAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly openedAt: Date | null;
  readonly clickedAt: Date | null;
  readonly openCount: number;
  readonly clickCount: number;
  readonly bounceReason: string | null;
  readonly unsubscribed: boolean;
}

export async function campaignRecipients(campaignId: string, query: { status?: EmailMessageStatus | undefined; limit: number; offset: number }): Promise<{ recipients: RecipientRow[]; total: number }> {
  const db = emailMessages();
  const where = (q: ReturnType<typeof db.query>): ReturnType<typeof db.query> => {
    const byCampaign = q.eq('campaign_id', campaignId);
    return query.status ? byCampaign.eq('status', query.status) : byCampaign;
  };
  const [page, total] = await Promise.all([db.find((q) => where(q).ascending('_id'), { limit: query.limit, skip: query.offset }), db.count(where)]);
  const driverIds = [...new Set(page.flatMap((m) => (m.driver_id ? [m.driver_id] : [])))];
  const drivers = driverIds.length === 0 ? [] : await elevatedCollection(DriverProfiles).find((q) => q.hasSome('_id', driverIds), { limit: driverIds.length });
  const names = new Map(drivers.map((d) => [d._id, `${d.first_name} ${d.last_name}`.trim()]));
  return {
    total,
    recipients: page.map((m) => ({
      messageId: m._id,
      driverId: m.driver_id ?? null,
      driverName: m.driver_id ? (names.get(m.driver_id) ?? null) : null,
      email: maskEmail(m.email_address),
      status: m.status,
      variantId: m.variant_id ?? null,
      sentAt: m.sent_at ?? null,
      deliveredAt: m.delivered_at ?? null,
      openedAt: m.opened_at ?? null,
      clickedAt: m.clicked_at ?? null,
      openCount: m.open_count,
      clickCount: m.click_count,
      bounceReason: m.bounce_reason ?? null,
      unsubscribed: m.unsubscribed,
    })),
  };
}
