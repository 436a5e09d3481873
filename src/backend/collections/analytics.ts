/** Spec §3.5: daily analytics roll-ups. */
import * as z from 'zod';
import { defineCollection, index, type ItemOf } from './define';
import { carrierDot } from './common';
import { ANALYTICS_CHANNELS } from './vocabulary';

/** Channel-specific counters (sent, delivered, opens, replies, applications, reach…). */
export const analyticsMetrics = z.record(z.string(), z.number());

export const OutreachAnalytics = defineCollection({
  id: 'OutreachAnalytics',
  description:
    'One roll-up per carrier, day, channel and campaign (campaign_id null = channel total). Id = carrier|day|channel|campaign so reruns overwrite.',
  fields: {
    carrier_dot: carrierDot,
    /** The day (00:00 UTC of the carrier-local calendar day). */
    date: z.date(),
    channel: z.enum(ANALYTICS_CHANNELS),
    campaign_id: z.string().nullable().optional(),
    metrics: analyticsMetrics,
    cost: z.number().min(0),
    conversions: z.number().int().min(0),
    conversion_value: z.number().min(0),
  },
  indexes: [index('carrier_dot', 'date', 'channel'), index('campaign_id', 'date')],
});
export type OutreachAnalyticsRow = ItemOf<typeof OutreachAnalytics>;
