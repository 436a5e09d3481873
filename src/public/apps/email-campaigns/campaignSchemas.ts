/**
 * Result shapes of the email campaign web methods (src/backend/emailCampaignService.web.ts, spec
 * §4.2, the EmailCampaigns / EmailMessages collections), as the iframe receives them.
 */
import * as z from 'zod';
import { CAMPAIGN_STATUSES, EMAIL_MESSAGE_STATUSES, EMAIL_SCHEDULE_TYPES } from '../../../backend/collections/vocabulary';
import { Experiment, VariantResult } from '../shared/experiment';

const count = z.number().min(0).catch(0);
const when = z.union([z.string(), z.null()]).optional();

export const EmailCampaign = z.looseObject({
  _id: z.string(),
  campaign_name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  from_name: z.string().optional(),
  from_email: z.string().optional(),
  reply_to: z.string().nullable().optional(),
  subject_line: z.string().optional(),
  subject_variants: z.array(z.string()).optional(),
  preheader: z.string().optional(),
  template_id: z.string().nullable().optional(),
  html_content: z.string().nullable().optional(),
  unsubscribe_group_id: z.string().nullable().optional(),
  audience_filter: z.record(z.string(), z.unknown()).optional(),
  audience_count: count.optional(),
  schedule_type: z.enum(EMAIL_SCHEDULE_TYPES).optional(),
  scheduled_time: when,
  send_window: z.looseObject({ start_hour: z.number(), end_hour: z.number(), days: z.array(z.number()) }).nullable().optional(),
  tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }).optional(),
  cost_estimate: count.optional(),
  next_run_at: when,
  started_at: when,
  completed_at: when,
  paused_at: when,
  _createdDate: when,
});
export type EmailCampaign = z.infer<typeof EmailCampaign>;

export const ListStats = z.looseObject({ sent: count, opened: count, clicked: count });
export type ListStats = z.infer<typeof ListStats>;

/** getEmailCampaigns / updateEmailCampaign: a summary carrying the stored item as `campaign`. */
export const EmailCampaignSummary = z
  .looseObject({ campaign: EmailCampaign, stats: ListStats.optional() })
  .transform((s) => ({ ...s.campaign, listStats: s.stats ?? { sent: 0, opened: 0, clicked: 0 } }));
export type CampaignRow = z.infer<typeof EmailCampaignSummary>;

export const EmailAnalytics = z.looseObject({
  sent: count,
  delivered: count,
  deferred: count.optional(),
  bounces: count,
  dropped: count.optional(),
  failed: count.optional(),
  opens: count,
  totalOpens: count.optional(),
  machineOpens: count.optional(),
  clicks: count,
  totalClicks: count.optional(),
  unsubscribes: count,
  spamReports: count.optional(),
  pending: count.optional(),
  held: count.optional(),
  blocked: count.optional(),
  canceled: count.optional(),
  unconfirmed: count.optional(),
  deliveryRate: z.number().optional(),
  openRate: z.number().optional(),
  clickRate: z.number().optional(),
  clickToOpenRate: z.number().optional(),
  bounceRate: z.number().optional(),
  unsubscribeRate: z.number().optional(),
  audienceCount: count.optional(),
  costEstimate: count.optional(),
  variants: z.union([Experiment, z.array(VariantResult)]).nullable().optional(),
});
export type EmailAnalytics = z.infer<typeof EmailAnalytics>;

/** One bucket of the open/click timeline: opens and clicks first seen in it. */
export const TimelinePoint = z.looseObject({ at: z.string(), opens: count, clicks: count });
export type TimelinePoint = z.infer<typeof TimelinePoint>;

/** One row of the per-recipient status table (the address may arrive masked). */
export const Recipient = z.looseObject({
  messageId: z.string(),
  driverId: z.string().nullable().optional(),
  driverName: z.string().nullable().optional(),
  email: z.string(),
  status: z.enum(EMAIL_MESSAGE_STATUSES),
  variantId: z.string().nullable().optional(),
  sentAt: when,
  deliveredAt: when,
  openedAt: when,
  clickedAt: when,
  openCount: count.optional(),
  clickCount: count.optional(),
  bounceReason: z.string().nullable().optional(),
  unsubscribed: z.boolean().optional(),
});
export type Recipient = z.infer<typeof Recipient>;
