/**
 * The SendGrid simulator's data model (providers.md §3): the per-recipient message it stores, the
 * outcome union the magic table selects, the Event Webhook event shapes and the timing /
 * engagement knobs.
 */
import { MagicTable, normalizeEmail } from '../harness';

/** Event Webhook event names (providers.md §3.4). */
export type SendGridEventName =
  | 'processed'
  | 'dropped'
  | 'delivered'
  | 'deferred'
  | 'bounce'
  | 'open'
  | 'click'
  | 'spamreport'
  | 'unsubscribe'
  | 'group_unsubscribe'
  | 'group_resubscribe';

export const SENDGRID_EVENT_NAMES: readonly SendGridEventName[] = [
  'processed',
  'dropped',
  'delivered',
  'deferred',
  'bounce',
  'open',
  'click',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
];

/** One event as it goes on the wire: the common fields, the event's own fields, the custom_args flattened. */
export interface SendGridEvent {
  readonly email: string;
  readonly timestamp: number;
  readonly event: SendGridEventName;
  readonly sg_event_id: string;
  readonly sg_message_id: string;
  readonly 'smtp-id': string;
  readonly [field: string]: unknown;
}

/** What a recipient address does once the message is accepted (magic table outcome). */
export type MailOutcome =
  | 'deliver'
  | 'hard-bounce'
  | 'soft-bounce'
  | 'blocked'
  | 'dropped'
  | 'deferred'
  | 'spam-report'
  | 'no-open'
  | 'engaged'
  | 'machine-open';

/** The magic domain: `<outcome>[+tag]@sendgrid.test` (`.test` is reserved, so no real mailbox matches). */
export const MAGIC_DOMAIN = 'sendgrid.test';

const magic = (local: string): RegExp => new RegExp(`^${local}(\\+[^@]*)?@sendgrid\\.test$`);

export const DEFAULT_MAGIC_RULES: readonly { match: string | RegExp; outcome: MailOutcome; note: string }[] = [
  { match: magic('bounce'), outcome: 'hard-bounce', note: 'processed → bounce (type bounce, 5.1.1, Invalid Address); suppressed afterwards' },
  { match: magic('softbounce'), outcome: 'soft-bounce', note: 'processed → deferred ×2 → bounce (type bounce, 4.2.2, Mailbox Unavailable); not suppressed' },
  { match: magic('blocked'), outcome: 'blocked', note: 'processed → bounce (type blocked, 5.7.1, Reputation); not suppressed' },
  { match: magic('dropped'), outcome: 'dropped', note: 'processed → dropped (reason Invalid)' },
  { match: magic('deferred'), outcome: 'deferred', note: 'processed → deferred ×2 → delivered' },
  { match: magic('spamreport'), outcome: 'spam-report', note: 'delivered → spamreport; suppressed afterwards' },
  { match: magic('noopen'), outcome: 'no-open', note: 'delivered, never opens or clicks' },
  { match: magic('engaged'), outcome: 'engaged', note: 'delivered → open (human) → click on the first link' },
  { match: magic('machineopen'), outcome: 'machine-open', note: 'delivered → open with sg_machine_open: true only' },
];

export function createMailboxTable(): MagicTable<MailOutcome> {
  return new MagicTable<MailOutcome>({ fallback: 'deliver', normalize: normalizeEmail, rules: DEFAULT_MAGIC_RULES });
}

/** Where a message is in its life. */
export type MailStatus = 'scheduled' | 'processed' | 'deferred' | 'delivered' | 'dropped' | 'bounced';

export type RecipientKind = 'to' | 'cc' | 'bcc';

export interface AddressObject {
  readonly email: string;
  readonly name?: string;
}

export interface ResolvedTracking {
  readonly click: boolean;
  readonly open: boolean;
  readonly subscription: boolean;
}

/** mail_settings.bypass_* of the request: which suppression lists it ignores. */
export interface BypassSettings {
  readonly list: boolean;
  readonly bounce: boolean;
  readonly spam: boolean;
  readonly unsubscribe: boolean;
}

export interface OneClickAttempt {
  readonly at: number;
  readonly url: string;
  /** HTTP status, or null when the request failed (the error says why). */
  readonly status: number | null;
  readonly error: string | null;
}

/** One message per recipient, as SendGrid splits a request (`sg_message_id` = `<X-Message-Id>.<filter…>`). */
export interface StoredMail {
  readonly sgMessageId: string;
  readonly xMessageId: string;
  readonly smtpId: string;
  readonly personalization: number;
  readonly kind: RecipientKind;
  readonly to: AddressObject;
  readonly from: AddressObject;
  readonly replyTo: AddressObject | null;
  readonly subject: string;
  /** HTML as delivered: substitutions / template applied, links tracked, open pixel and footer added. Null once evicted (see `contentRetention`). */
  html: string | null;
  text: string | null;
  /** Original link targets in document order (`url_offset.index`). */
  readonly links: readonly string[];
  readonly templateId: string | null;
  readonly categories: readonly string[];
  readonly customArgs: Readonly<Record<string, string>>;
  readonly asmGroupId: number | null;
  readonly bypass: BypassSettings;
  /** Email headers as delivered (message + personalization headers, plus List-Unsubscribe when added). */
  readonly headers: Readonly<Record<string, string>>;
  readonly tracking: ResolvedTracking;
  /** `send_at` in unix seconds, or 0. */
  readonly sendAt: number;
  readonly batchId: string | null;
  readonly outcome: MailOutcome;
  readonly acceptedAt: number;
  status: MailStatus;
  readonly events: SendGridEvent[];
  readonly oneClick: OneClickAttempt[];
}

/** Text left in place of a message's content once it is evicted (memory bound for big campaigns). */
export const CONTENT_EVICTED = '[content evicted: only the newest messages keep their rendered content]';

export interface MailQuery {
  readonly to?: string;
  readonly xMessageId?: string;
  readonly status?: MailStatus;
}

/** A clock-timed step of one message's life (the engine's timeline entries). */
export type MessageStep =
  | { readonly kind: 'process'; readonly id: string }
  | { readonly kind: 'attempt'; readonly id: string; readonly attempt: number }
  | { readonly kind: 'open'; readonly id: string; readonly machine: boolean; readonly thenClick: boolean }
  | { readonly kind: 'click'; readonly id: string; readonly index: number }
  | { readonly kind: 'spamreport'; readonly id: string };

export interface TimingKnobs {
  /** Accepted (or send_at reached) → processed, uniform [min, max] ms. */
  readonly processedAfterMs: readonly [number, number];
  /** processed → first delivery attempt. */
  readonly deliveryAfterMs: readonly [number, number];
  /** Between delivery attempts of a deferred message (compressed from SendGrid's 72 h). */
  readonly deferredRetryMs: readonly [number, number];
  /** Deferrals before a deferred message is delivered or a soft bounce bounces. */
  readonly deferrals: number;
  /** delivered → human open. */
  readonly openAfterMs: readonly [number, number];
  /** delivered → machine open (mail privacy proxies fetch at once). */
  readonly machineOpenAfterMs: readonly [number, number];
  /** open → click. */
  readonly clickAfterOpenMs: readonly [number, number];
  /** delivered → spam report. */
  readonly spamReportAfterMs: readonly [number, number];
}

export const DEFAULT_TIMING: TimingKnobs = Object.freeze({
  processedAfterMs: Object.freeze([200, 2_000] as const),
  deliveryAfterMs: Object.freeze([1_000, 20_000] as const),
  deferredRetryMs: Object.freeze([60_000, 300_000] as const),
  deferrals: 2,
  openAfterMs: Object.freeze([60_000, 4 * 3_600_000] as const),
  machineOpenAfterMs: Object.freeze([1_000, 30_000] as const),
  clickAfterOpenMs: Object.freeze([5_000, 300_000] as const),
  spamReportAfterMs: Object.freeze([120_000, 1_800_000] as const),
});

/** Engagement of ordinary (non-magic) recipients, seeded. */
export interface EngagementKnobs {
  /** Share of delivered messages that get opened. */
  readonly openRate: number;
  /** Share of those opens made by a machine (privacy proxy) rather than a person. */
  readonly machineOpenShare: number;
  /** Share of human openers who click a link. */
  readonly clickRate: number;
}

export const DEFAULT_ENGAGEMENT: EngagementKnobs = Object.freeze({ openRate: 0.35, machineOpenShare: 0.4, clickRate: 0.25 });

/** Account-level tracking defaults (a request's tracking_settings override them). */
export interface AccountTracking {
  readonly click: boolean;
  readonly open: boolean;
  readonly subscription: boolean;
}

export const DEFAULT_ACCOUNT_TRACKING: AccountTracking = Object.freeze({ click: true, open: true, subscription: false });

/** Fixed per-event values SendGrid reports (its own sending IP, the MTA answers). */
export const WIRE = Object.freeze({
  sendingIp: '149.72.154.232',
  smtpHost: 'ismtpd0001p1las1.sendgrid.net',
  deliveredResponse: '250 2.0.0 OK 1767625200 sim.0 - gsmtp',
  deferredResponse: '450 4.2.1 The user you are trying to contact is receiving mail at too high a rate. Please try again later.',
  hardBounce: { status: '5.1.1', reason: "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos.", classification: 'Invalid Address' },
  softBounce: { status: '4.2.2', reason: '452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to the storage help page.', classification: 'Mailbox Unavailable' },
  blocked: { status: '5.7.1', reason: '550 5.7.1 Service unavailable, client host [149.72.154.232] blocked using a DNS block list', classification: 'Reputation' },
  humanUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  machineUserAgent: 'Mozilla/5.0',
  humanIp: '66.249.84.120',
  machineIp: '17.58.63.44',
});

/** `dropped.reason` values (providers.md §3.4). */
export type DropReason = 'Bounced Address' | 'Unsubscribed Address' | 'Spam Reporting Address' | 'Invalid';
