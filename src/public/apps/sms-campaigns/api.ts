/**
 * The app's typed view of the page's actions: every answer is checked with a zod schema before a
 * view touches it. Shapes follow spec §4.1 and the SMS collections (JSON: dates arrive as strings).
 */
import * as z from 'zod';
import { CAMPAIGN_STATUSES, REPLY_STATES, SMS_SCHEDULE_TYPES } from '../../../backend/collections/vocabulary';
import type { SmsCampaignAction } from '../../messaging';
import { Experiment, VariantResult } from '../shared/experiment';
import type { PageChannel } from '../shared/pageChannel';

const Failure = z.object({ success: z.literal(false), error: z.string(), code: z.string().optional() });
export type Failure = z.infer<typeof Failure>;

const ok = <S extends z.ZodRawShape>(shape: S) => z.looseObject({ success: z.literal(true), ...shape });
const count = z.number().min(0).catch(0);
const when = z.union([z.string(), z.null()]).optional();

export const Stats = z.looseObject({
  queued: count.optional(),
  sent: count.optional(),
  delivered: count.optional(),
  failed: count.optional(),
  held: count.optional(),
  blocked: count.optional(),
  replies: count.optional(),
  opt_outs: count.optional(),
  cost: count.optional(),
});

export const Campaign = z.looseObject({
  _id: z.string(),
  campaign_name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  message_template: z.string().optional(),
  message_variants: z.array(z.looseObject({ variant_id: z.string(), name: z.string().optional(), message_template: z.string(), weight: z.number() })).optional(),
  audience_filter: z.record(z.string(), z.unknown()).optional(),
  audience_count: count.optional(),
  schedule_type: z.enum(SMS_SCHEDULE_TYPES).optional(),
  scheduled_time: when,
  recurring_schedule: z.looseObject({ cron: z.string(), timezone: z.string() }).nullable().optional(),
  send_window: z.looseObject({ start_hour: z.number(), end_hour: z.number(), days: z.array(z.number()) }).optional(),
  cost_estimate: count.optional(),
  actual_cost: count.optional(),
  stats: Stats.optional(),
  started_at: when,
  completed_at: when,
  next_run_at: when,
  _createdDate: when,
});
export type Campaign = z.infer<typeof Campaign>;

/** getSMSCampaigns / updateSMSCampaign answer with a summary that carries the stored item as `campaign`. */
const CampaignSummary = z.looseObject({ campaign: Campaign }).transform((s) => s.campaign);

export const Analytics = z.looseObject({
  audience: count.optional(),
  queued: count.optional(),
  pending: count.optional(),
  held: count.optional(),
  blocked: count.optional(),
  sent: count,
  delivered: count,
  failed: count,
  replies: count,
  optOuts: count,
  cost: count,
  costEstimate: count.optional(),
  segments: count.optional(),
  variants: z.union([Experiment, z.array(VariantResult)]).nullable().optional(),
  status: z.enum(CAMPAIGN_STATUSES).optional(),
});
export type Analytics = z.infer<typeof Analytics>;

/** One inbox entry (the backend's reply view: the phone arrives masked unless it says otherwise). */
export const Reply = z
  .looseObject({
    messageId: z.string(),
    campaignId: z.string().nullable().optional(),
    campaignName: z.string().nullable().optional(),
    driverId: z.string().nullable().optional(),
    driverName: z.string().nullable().optional(),
    phone: z.string(),
    reply: z.string(),
    sentBody: z.string().optional(),
    replyAt: when,
    state: z.enum(REPLY_STATES).nullable().optional(),
    optedOut: z.boolean().optional(),
  })
  .transform((r) => ({ ...r, body: r.reply, receivedAt: r.replyAt }));
export type Reply = z.infer<typeof Reply>;

const RESULTS = {
  getRecruiterContext: ok({
    carrier: z.object({ carrier_dot: z.string(), name: z.string() }),
    recruiter: z.object({ first_name: z.string(), last_name: z.string(), role: z.string() }).nullable(),
    isAdmin: z.boolean(),
  }),
  createSMSCampaign: ok({ campaignId: z.string(), audienceCount: count, costEstimate: count }),
  getSMSCampaigns: ok({ campaigns: z.array(CampaignSummary) }),
  updateSMSCampaign: ok({ campaign: CampaignSummary }),
  deleteSMSCampaign: ok({}),
  sendSMSCampaign: ok({ messagesQueued: count, estimatedCost: count }),
  scheduleSMSCampaign: ok({ scheduledFor: z.string() }),
  pauseSMSCampaign: ok({ messagesSent: count, messagesPending: count }),
  resumeSMSCampaign: ok({}),
  getSMSCampaignAnalytics: ok({ analytics: Analytics }),
  checkOptOutStatus: ok({ optedOut: z.boolean(), optedOutAt: when }),
  optOutDriver: ok({}),
  estimateSMSAudience: ok({ audienceCount: count, costEstimate: count, segments: count.optional(), pricePerSegment: z.number().optional(), total: count.optional() }),
  getSMSReplies: ok({ replies: z.array(Reply) }),
  replyToDriver: ok({}),
  setReplyState: ok({}),
  sendTestSMS: ok({}),
} as const satisfies Record<SmsCampaignAction, z.ZodType>;

export type Results = { readonly [A in SmsCampaignAction]: z.infer<(typeof RESULTS)[A]> };
export type Answer<A extends SmsCampaignAction> = Results[A] | Failure;

export interface Api {
  call<A extends SmsCampaignAction>(action: A, ...args: unknown[]): Promise<Answer<A>>;
}

/**
 * Wraps the page channel: a transport error or an answer of an unexpected shape becomes a
 * `{ success: false }` the views show like any other failure.
 */
export function createApi(page: PageChannel): Api {
  return {
    async call<A extends SmsCampaignAction>(action: A, ...args: unknown[]): Promise<Answer<A>> {
      let raw: unknown;
      try {
        raw = await page.call(action, ...args);
      } catch (error) {
        return { success: false, error: error instanceof Error ? error.message : 'The page did not answer.', code: 'INTERNAL' };
      }
      const failure = Failure.safeParse(raw);
      if (failure.success) return failure.data;
      const schema: z.ZodType<Results[A]> = RESULTS[action] as unknown as z.ZodType<Results[A]>;
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const where = parsed.error.issues[0];
      const detail = where ? ` (${where.path.join('.')}: ${where.message})` : '';
      return { success: false, error: `Unexpected answer to ${action}${detail}.`, code: 'INTERNAL' };
    },
  };
}
