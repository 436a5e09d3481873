/**
 * The message protocol between a recruiter page (page code) and its HTML iframe app.
 *
 * The iframe announces itself with `ready` once loaded (page code must not post before that — Wix's
 * documented load-timing pitfall), then calls page-approved actions with correlated requests; page
 * code answers each with a response carrying the same id. Shapes are zod schemas used on both sides.
 */
import * as z from 'zod';
import { audienceFilter, sendWindow } from '../backend/collections/common';
import { exitCondition, sequenceStep, triggerConditions } from '../backend/collections/sequence-steps';
import {
  CAMPAIGN_STATUSES,
  EMAIL_CAMPAIGN_TYPES,
  EMAIL_MESSAGE_STATUSES,
  EMAIL_SCHEDULE_TYPES,
  ENROLLMENT_STATUSES,
  SEQUENCE_EXIT_TYPES,
  SEQUENCE_STATUSES,
  SEQUENCE_TRIGGER_TYPES,
} from '../backend/collections/vocabulary';

export const PROTOCOL = 'recruiter-outreach/1';

export const ReadyMessage = z.object({ protocol: z.literal(PROTOCOL), type: z.literal('ready'), app: z.string() });
export const CallMessage = z.object({
  protocol: z.literal(PROTOCOL),
  type: z.literal('call'),
  id: z.string().min(1).max(64),
  action: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(10),
});
export const IframeToPage = z.discriminatedUnion('type', [ReadyMessage, CallMessage]);
export type IframeToPage = z.infer<typeof IframeToPage>;

export const ResultMessage = z.object({ protocol: z.literal(PROTOCOL), type: z.literal('result'), id: z.string(), value: z.unknown() });
export const ErrorMessage = z.object({ protocol: z.literal(PROTOCOL), type: z.literal('error'), id: z.string(), error: z.string() });
export const WelcomeMessage = z.object({ protocol: z.literal(PROTOCOL), type: z.literal('welcome'), page: z.string(), actions: z.array(z.string()) });
export const PageToIframe = z.discriminatedUnion('type', [ResultMessage, ErrorMessage, WelcomeMessage]);
export type PageToIframe = z.infer<typeof PageToIframe>;

/** An action the page lets its iframe call: usually a web method imported from `backend/…web`. */
export type PageAction = (...args: never[]) => Promise<unknown>;

/** The part of `$w('#html')` a bridge needs. */
export interface HtmlComponentPort {
  postMessage(message: unknown): void;
  onMessage(handler: (event: { readonly data: unknown }) => void): void;
}

/** Per action, the zod tuple its `call` arguments must match (checked before the action runs). */
export type CallSchemas = Readonly<Record<string, z.ZodType<readonly unknown[]>>>;

/**
 * Page side: answers the iframe's calls with the given actions only. Unknown actions and malformed
 * messages are answered with an error (or ignored when they cannot be correlated). With `calls`,
 * an action's arguments must match its schema, or the call is answered with an error and the action
 * does not run; the arguments are relayed as received (the web method validates them in full).
 */
export function bridgeHtmlComponent(component: HtmlComponentPort, page: string, actions: Readonly<Record<string, PageAction>>, calls?: CallSchemas): void {
  const post = (message: PageToIframe): void => component.postMessage(message);
  component.onMessage((event) => {
    const parsed = IframeToPage.safeParse(event.data);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        post({ protocol: PROTOCOL, type: 'welcome', page, actions: Object.keys(actions) });
        return;
      case 'call': {
        const action = Object.hasOwn(actions, message.action) ? actions[message.action] : undefined;
        if (!action) {
          post({ protocol: PROTOCOL, type: 'error', id: message.id, error: `Unknown action ${message.action}` });
          return;
        }
        const schema = calls !== undefined && Object.hasOwn(calls, message.action) ? calls[message.action] : undefined;
        const checked = schema?.safeParse(message.args);
        if (checked !== undefined && !checked.success) {
          post({ protocol: PROTOCOL, type: 'error', id: message.id, error: `Invalid arguments for ${message.action}: ${describeIssue(checked.error)}` });
          return;
        }
        const invoke = action as unknown as (...args: unknown[]) => Promise<unknown>;
        invoke(...message.args).then(
          (value) => post({ protocol: PROTOCOL, type: 'result', id: message.id, value }),
          (error: unknown) => post({ protocol: PROTOCOL, type: 'error', id: message.id, error: error instanceof Error ? error.message : 'The request failed' }),
        );
        return;
      }
    }
  });
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not accepted';
  return `${issue.path.length > 0 ? `argument ${issue.path.join('.')}: ` : ''}${issue.message}`;
}

/**
 * What the `Recruiter_SMS_Campaigns` page lets its `sms-campaigns` iframe call: the recruiter's
 * context (for the carrier's USDOT number) and the SMS campaign web methods, one action each, named
 * as the web methods are. Page code declares its action table with `satisfies` this list's record,
 * the iframe calls only these names.
 */
export const SMS_CAMPAIGN_ACTIONS = [
  'getRecruiterContext',
  'createSMSCampaign',
  'getSMSCampaigns',
  'updateSMSCampaign',
  'deleteSMSCampaign',
  'sendSMSCampaign',
  'scheduleSMSCampaign',
  'pauseSMSCampaign',
  'resumeSMSCampaign',
  'getSMSCampaignAnalytics',
  'checkOptOutStatus',
  'optOutDriver',
  'estimateSMSAudience',
  'getSMSReplies',
  'replyToDriver',
  'setReplyState',
  'sendTestSMS',
] as const;
export type SmsCampaignAction = (typeof SMS_CAMPAIGN_ACTIONS)[number];

// ── Email campaigns and sequences (`Recruiter_Email_Campaigns` ⇄ `email-campaigns`) ─────────────

const CarrierDotArg = z.string().regex(/^\d{1,8}$/, 'expected a USDOT number');
const IdArg = z.string().min(1).max(200);
const IsoTime = z.string().min(1).max(40);

/** `campaignData` of createEmailCampaign (spec §3.2 fields, camelCase as the web method takes them). */
export const EmailCampaignData = z.looseObject({
  name: z.string().max(200),
  campaignType: z.enum(EMAIL_CAMPAIGN_TYPES).optional(),
  fromName: z.string().max(100).optional(),
  fromEmail: z.string().max(320).optional(),
  replyTo: z.string().max(320).nullable().optional(),
  subjectLine: z.string().max(300),
  subjectVariants: z.array(z.string().max(300)).max(5).optional(),
  preheader: z.string().max(250).optional(),
  templateId: z.string().max(100).nullable().optional(),
  htmlContent: z.string().max(200_000).nullable().optional(),
  unsubscribeGroupId: z.string().max(20).nullable().optional(),
  audienceFilter,
  scheduleType: z.enum(EMAIL_SCHEDULE_TYPES).optional(),
  scheduledTime: IsoTime.nullable().optional(),
  sendWindow: sendWindow.nullable().optional(),
  tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }).optional(),
});
export type EmailCampaignData = z.infer<typeof EmailCampaignData>;

/** `input` of sendTestEmail: a saved campaign, or the content being composed. */
export const TestEmailData = z.union([
  z.object({ campaignId: IdArg }),
  EmailCampaignData.pick({ subjectLine: true, htmlContent: true, templateId: true, preheader: true, fromName: true, fromEmail: true, unsubscribeGroupId: true }),
]);

export const EmailCampaignFilters = z.looseObject({ status: z.enum(CAMPAIGN_STATUSES).optional(), includeArchived: z.boolean().optional(), limit: z.number().int().min(1).max(200).optional() });

/** `sequenceData` of createEmailSequence / `updates` of updateEmailSequence (steps as stored, spec §3.2). */
export const SequenceData = z.looseObject({
  name: z.string().max(200),
  description: z.string().max(2000).optional(),
  /** The built-in template it starts from (getSequenceTemplates). */
  templateId: z.string().max(100).optional(),
  triggerType: z.enum(SEQUENCE_TRIGGER_TYPES).optional(),
  triggerConditions: triggerConditions.optional(),
  steps: z.array(sequenceStep).max(50).optional(),
  exitConditions: z.array(exitCondition).max(SEQUENCE_EXIT_TYPES.length).optional(),
  sendWindow: sendWindow.nullable().optional(),
  status: z.enum(['draft', 'active']).optional(),
  completionTag: z.string().max(60).nullable().optional(),
  inactiveAfterDays: z.number().int().min(1).max(365).optional(),
});
export type SequenceData = z.infer<typeof SequenceData>;

/** Whom enrollDriversInSequence enrolls: chosen drivers, or one page (≤ 1000) of an audience. */
export const EnrollmentTarget = z.union([
  z.object({ driverIds: z.array(IdArg).min(1).max(1000) }),
  z.object({ audienceFilter, cursor: z.string().max(200).nullable().optional() }),
]);
export type EnrollmentTarget = z.infer<typeof EnrollmentTarget>;

export const RecipientsQuery = z.object({ status: z.enum(EMAIL_MESSAGE_STATUSES).optional(), limit: z.number().int().min(1).max(100), offset: z.number().int().min(0) });
export const EnrollmentsQuery = z.object({ status: z.enum(ENROLLMENT_STATUSES).optional(), limit: z.number().int().min(1).max(100), offset: z.number().int().min(0) });

/** One schema per call the `email-campaigns` iframe makes: its arguments as a tuple. */
export const EMAIL_CAMPAIGN_CALLS = {
  getRecruiterContext: z.tuple([]),
  createEmailCampaign: z.tuple([CarrierDotArg, EmailCampaignData]),
  getEmailCampaigns: z.tuple([CarrierDotArg, EmailCampaignFilters.optional()]),
  updateEmailCampaign: z.tuple([IdArg, EmailCampaignData.partial()]),
  deleteEmailCampaign: z.tuple([IdArg]),
  sendEmailCampaign: z.tuple([IdArg]),
  pauseEmailCampaign: z.tuple([IdArg]),
  resumeEmailCampaign: z.tuple([IdArg]),
  getEmailCampaignAnalytics: z.tuple([IdArg]),
  estimateEmailAudience: z.tuple([CarrierDotArg, audienceFilter]),
  /** The live count of SMS-first sequence enrollment (drivers reachable by text). */
  estimateSMSAudience: z.tuple([CarrierDotArg, audienceFilter, z.string().max(1600)]),
  sendTestEmail: z.tuple([CarrierDotArg, TestEmailData]),
  getEmailCampaignRecipients: z.tuple([IdArg, RecipientsQuery]),
  getSequenceTemplates: z.tuple([]),
  createEmailSequence: z.tuple([CarrierDotArg, SequenceData]),
  getEmailSequences: z.tuple([CarrierDotArg, z.object({ status: z.enum(SEQUENCE_STATUSES).optional(), limit: z.number().int().min(1).max(200).optional() }).optional()]),
  updateEmailSequence: z.tuple([IdArg, SequenceData.partial()]),
  pauseEmailSequence: z.tuple([IdArg]),
  resumeEmailSequence: z.tuple([IdArg]),
  enrollDriversInSequence: z.tuple([IdArg, EnrollmentTarget]),
  removeFromSequence: z.tuple([IdArg, z.string().max(200).optional()]),
  getSequenceAnalytics: z.tuple([IdArg]),
  getSequenceEnrollments: z.tuple([IdArg, EnrollmentsQuery]),
} as const satisfies CallSchemas;

/**
 * What the `Recruiter_Email_Campaigns` page lets its `email-campaigns` iframe call: the recruiter's
 * context and the email campaign / sequence web methods, named as the web methods are.
 */
export type EmailCampaignAction = keyof typeof EMAIL_CAMPAIGN_CALLS;
export const EMAIL_CAMPAIGN_ACTIONS = Object.keys(EMAIL_CAMPAIGN_CALLS) as EmailCampaignAction[];
/**
 * Calls the app can do without: their sections say so when the page doesn't offer them (web
 * methods the backend doesn't have yet). Every other action must be offered or the app stops.
 */
export const EMAIL_OPTIONAL_ACTIONS = ['getEmailCampaignRecipients', 'getSequenceEnrollments'] as const satisfies readonly EmailCampaignAction[];
export type EmailRequiredAction = Exclude<EmailCampaignAction, (typeof EMAIL_OPTIONAL_ACTIONS)[number]>;
/** The page's action table: every required action, and the optional ones the backend has. */
export type EmailPageActions = Record<EmailRequiredAction, PageAction> & Partial<Record<EmailCampaignAction, PageAction>>;
/** The arguments of one call, as the iframe writes them. */
export type EmailCallArgs<A extends EmailCampaignAction> = z.input<(typeof EMAIL_CAMPAIGN_CALLS)[A]>;
