/**
 * The message protocol between a recruiter page (page code) and its HTML iframe app.
 *
 * The iframe announces itself with `ready` once loaded (page code must not post before that — Wix's
 * documented load-timing pitfall), then calls page-approved actions with correlated requests; page
 * code answers each with a response carrying the same id. Shapes are zod schemas used on both sides.
 */
import * as z from 'zod';

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

/**
 * Page side: answers the iframe's calls with the given actions only. Unknown actions and malformed
 * messages are answered with an error (or ignored when they cannot be correlated).
 */
export function bridgeHtmlComponent(component: HtmlComponentPort, page: string, actions: Readonly<Record<string, PageAction>>): void {
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
