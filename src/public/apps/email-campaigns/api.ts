/**
 * The email app's typed view of the page's actions. Arguments are checked with the call's schema
 * (`EMAIL_CAMPAIGN_CALLS`, src/public/messaging.ts) before anything is posted, and every answer is
 * checked with its result schema here before a view touches it (JSON: dates arrive as strings).
 */
import * as z from 'zod';
import { EMAIL_CAMPAIGN_CALLS, type EmailCallArgs, type EmailCampaignAction } from '../../messaging';
import type { PageChannel } from '../shared/pageChannel';
import { EmailAnalytics, EmailCampaign, EmailCampaignSummary, Recipient, TimelinePoint } from './campaignSchemas';
import { SEQUENCE_RESULTS } from './sequenceSchemas';

const Failure = z.object({ success: z.literal(false), error: z.string(), code: z.string().optional() });
export type Failure = z.infer<typeof Failure>;

export const ok = <S extends z.ZodRawShape>(shape: S) => z.looseObject({ success: z.literal(true), ...shape });
export const count = z.number().min(0).catch(0);

const RESULTS = {
  getRecruiterContext: ok({
    carrier: z.object({ carrier_dot: z.string(), name: z.string() }),
    recruiter: z.object({ first_name: z.string(), last_name: z.string(), role: z.string() }).nullable(),
    isAdmin: z.boolean(),
  }),
  createEmailCampaign: ok({ campaignId: z.string(), audienceCount: count }),
  getEmailCampaigns: ok({ campaigns: z.array(EmailCampaignSummary) }),
  updateEmailCampaign: ok({ campaign: EmailCampaignSummary }),
  deleteEmailCampaign: ok({ archived: z.boolean().optional() }),
  sendEmailCampaign: ok({ emailsQueued: count }),
  pauseEmailCampaign: ok({ emailsSent: count.optional(), emailsPending: count.optional() }),
  resumeEmailCampaign: ok({}),
  getEmailCampaignAnalytics: ok({ analytics: EmailAnalytics, timeline: z.array(TimelinePoint).optional() }),
  getEmailCampaignRecipients: ok({ recipients: z.array(Recipient), total: count.optional(), nextCursor: z.string().nullable().optional() }),
  estimateEmailAudience: ok({ audienceCount: count, costEstimate: count.optional() }),
  estimateSMSAudience: ok({ audienceCount: count, costEstimate: count.optional() }),
  sendTestEmail: ok({ to: z.string().optional(), subject: z.string().optional() }),
  ...SEQUENCE_RESULTS,
} as const satisfies Record<EmailCampaignAction, z.ZodType>;

export type Results = { readonly [A in EmailCampaignAction]: z.infer<(typeof RESULTS)[A]> };
export type Answer<A extends EmailCampaignAction> = Results[A] | Failure;
export type { EmailCampaign };

export interface Api {
  call<A extends EmailCampaignAction>(action: A, ...args: EmailCallArgs<A>): Promise<Answer<A>>;
  /** Whether the page offers the action (optional analytics the backend may not have yet). */
  offers(action: EmailCampaignAction): boolean;
}

function describe(error: z.ZodError): string {
  const where = error.issues[0];
  return where ? ` (${where.path.join('.')}: ${where.message})` : '';
}

/**
 * Wraps the page channel: arguments that don't match the call's schema, a transport error or an
 * answer of an unexpected shape become a `{ success: false }` the views show like any other failure.
 */
export function createApi(page: PageChannel, offered: readonly string[]): Api {
  return {
    offers: (action) => offered.includes(action),
    async call<A extends EmailCampaignAction>(action: A, ...args: EmailCallArgs<A>): Promise<Answer<A>> {
      const checked = (EMAIL_CAMPAIGN_CALLS[action] as z.ZodType).safeParse(args);
      if (!checked.success) return { success: false, error: `Not sent: ${action} arguments are invalid${describe(checked.error)}.`, code: 'INVALID_INPUT' };
      let raw: unknown;
      try {
        raw = await page.call(action, ...(args as readonly unknown[]));
      } catch (error) {
        return { success: false, error: error instanceof Error ? error.message : 'The page did not answer.', code: 'INTERNAL' };
      }
      const failure = Failure.safeParse(raw);
      if (failure.success) return failure.data;
      const schema = RESULTS[action] as unknown as z.ZodType<Results[A]>;
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      return { success: false, error: `Unexpected answer to ${action}${describe(parsed.error)}.`, code: 'INTERNAL' };
    },
  };
}
