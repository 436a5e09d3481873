/**
 * The Twilio simulator's data model: message statuses, the stored message, the outcome union the
 * magic table selects, the Twilio error codes it answers with, and the knobs (providers.md §1).
 */
import { MagicTable, normalizePhone } from '../harness';

/** `message_enum_status` (providers.md §1.4), the subset SMS can reach. */
export type MessageStatus =
  | 'accepted'
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'canceled'
  | 'received';

export type MessageDirection = 'outbound-api' | 'outbound-reply' | 'inbound';

export interface StoredMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly direction: MessageDirection;
  readonly to: string;
  /** Null while a Messaging Service has not picked a sender yet (`accepted`). */
  from: string | null;
  readonly messagingServiceSid: string | null;
  body: string;
  readonly mediaUrls: readonly string[];
  readonly statusCallback: string | null;
  readonly validityPeriodS: number;
  readonly sendAt: number | null;
  status: MessageStatus;
  /** Segments by GSM-7 / UCS-2 rules; reported as "0" while `accepted`/`scheduled`. */
  readonly segments: number;
  errorCode: number | null;
  errorMessage: string | null;
  price: string | null;
  readonly dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  /** Clock-ms at each status reached, for tests and the console. */
  readonly history: { status: MessageStatus; at: number }[];
}

/** What a recipient number does (magic table outcome). Create-time outcomes answer 400. */
export type RecipientOutcome =
  | 'deliver'
  | 'invalid'
  | 'unroutable'
  | 'no-region-permission'
  | 'unsubscribed'
  | 'landline'
  | 'unreachable'
  | 'unknown-destination'
  | 'landline-carrier'
  | 'carrier-filtered'
  | 'unknown-error'
  | 'slow-delivery'
  | 'no-dlr'
  | 'reply-yes'
  | 'reply-question'
  | 'reply-stop';

/** Twilio's own test numbers (+15005550001…9) plus ranges for the asynchronous failure paths. */
export const DEFAULT_MAGIC_RULES: readonly { match: string | RegExp; outcome: RecipientOutcome; note: string }[] = [
  { match: '+15005550001', outcome: 'invalid', note: '400 21211 invalid To (Twilio test number)' },
  { match: '+15005550002', outcome: 'unroutable', note: '400 21612 To not reachable from this From (Twilio test number)' },
  { match: '+15005550003', outcome: 'no-region-permission', note: '400 21408 no geo permission (Twilio test number)' },
  { match: '+15005550004', outcome: 'unsubscribed', note: '400 21610 recipient unsubscribed (Twilio test number)' },
  { match: '+15005550009', outcome: 'landline', note: '400 21614 not a mobile number / landline (Twilio test number)' },
  { match: /^\+1500555003\d$/, outcome: 'unreachable', note: 'sent → undelivered, ErrorCode 30003 unreachable handset' },
  { match: /^\+1500555005\d$/, outcome: 'unknown-destination', note: 'sent → undelivered, ErrorCode 30005 unknown destination' },
  { match: /^\+1500555006\d$/, outcome: 'landline-carrier', note: 'sent → undelivered, ErrorCode 30006 landline / unreachable carrier' },
  { match: /^\+1500555007\d$/, outcome: 'carrier-filtered', note: 'sent → undelivered, ErrorCode 30007 carrier filtered' },
  { match: /^\+1500555008\d$/, outcome: 'unknown-error', note: 'sending → failed, ErrorCode 30008 unknown error' },
  { match: /^\+1500555009\d$/, outcome: 'slow-delivery', note: 'delivered, but the DLR comes after timing.slowDeliveryMs (10 min)' },
  { match: /^\+1500555010\d$/, outcome: 'no-dlr', note: 'sent, never delivered (carrier without DLR)' },
  { match: /^\+1500555011\d$/, outcome: 'reply-yes', note: 'delivered, then the handset replies "YES"' },
  { match: /^\+1500555012\d$/, outcome: 'reply-question', note: 'delivered, then the handset replies with a question' },
  { match: /^\+1500555013\d$/, outcome: 'reply-stop', note: 'delivered, then the handset replies "STOP"' },
  { match: /^\+1500555\d{4}$/, outcome: 'deliver', note: 'any other +1500555xxxx test number: delivered' },
];

export function createRecipientTable(): MagicTable<RecipientOutcome> {
  return new MagicTable<RecipientOutcome>({ fallback: 'deliver', normalize: normalizePhone, rules: DEFAULT_MAGIC_RULES });
}

/** Twilio REST error codes and messages (providers.md §1.3). */
export const REST_ERRORS = {
  auth: { status: 401, code: 20003, message: 'Authenticate' },
  notFound: { status: 404, code: 20404, message: 'The requested resource was not found' },
  tooManyRequests: { status: 429, code: 20429, message: 'Too Many Requests' },
  invalidTo: { status: 400, code: 21211, message: "Invalid 'To' Phone Number" },
  invalidFrom: { status: 400, code: 21212, message: "Invalid 'From' Number" },
  region: { status: 400, code: 21408, message: 'Permission to send an SMS has not been enabled for the region indicated by the To number' },
  bodyRequired: { status: 400, code: 21602, message: 'Message body is required.' },
  fromRequired: { status: 400, code: 21603, message: "A 'From' phone number is required." },
  toRequired: { status: 400, code: 21604, message: "A 'To' phone number is required." },
  fromNotOwned: { status: 400, code: 21606, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account." },
  invalidStatusCallback: { status: 400, code: 21609, message: "Invalid 'StatusCallback'. The URL must contain a valid hostname and underscores are not allowed." },
  unsubscribed: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  unroutable: { status: 400, code: 21612, message: "The 'To' phone number is not currently reachable using the 'From' phone number via SMS." },
  notMobile: { status: 400, code: 21614, message: "'To' number is not a valid mobile number" },
  bodyTooLong: { status: 400, code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' },
  tooManyMedia: { status: 400, code: 21623, message: 'Number of media files exceeds allowed limit.' },
  invalidValidityPeriod: { status: 400, code: 21620, message: "Invalid 'ValidityPeriod': must be between 1 and 36000 seconds." },
  invalidService: { status: 400, code: 21705, message: 'The Messaging Service Sid is invalid.' },
  invalidParameter: { status: 400, code: 20001, message: 'Invalid parameter' },
  notCancelable: { status: 400, code: 30409, message: 'Message cannot be canceled: only scheduled, accepted or queued messages can be canceled.' },
} as const;

export type RestErrorName = keyof typeof REST_ERRORS;

/** Asynchronous delivery errors (status callback `ErrorCode`, resource `error_code`). */
export const DELIVERY_ERRORS = {
  30001: 'Queue overflow',
  30003: 'Unreachable destination handset',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
} as const;

export type DeliveryErrorCode = keyof typeof DELIVERY_ERRORS;

export interface TimingKnobs {
  /** sending → sent. */
  readonly sentAfterMs: number;
  /** sent → delivered/undelivered, uniform [min, max]. */
  readonly dlrAfterMs: readonly [number, number];
  /** DLR delay for `slow-delivery` numbers. */
  readonly slowDeliveryMs: number;
  /** Handset reply delay after delivery, uniform [min, max]. */
  readonly replyAfterMs: readonly [number, number];
}

export const DEFAULT_TIMING: TimingKnobs = Object.freeze({
  sentAfterMs: 1_000,
  dlrAfterMs: Object.freeze([2_000, 8_000] as const),
  slowDeliveryMs: 600_000,
  replyAfterMs: Object.freeze([30_000, 300_000] as const),
});

/** Which keyword classes Twilio answers itself (providers.md §1.8). */
export interface KeywordReplies {
  readonly stop: boolean;
  readonly start: boolean;
  readonly help: boolean;
}

/**
 * Default: Twilio answers STOP and START (as its default opt-out handling does, and because after a
 * STOP the app could not send a confirmation anyway: 21610), but not HELP, which the app answers
 * itself with the carrier's details.
 */
export const DEFAULT_KEYWORD_REPLIES: KeywordReplies = Object.freeze({ stop: true, start: true, help: false });

/** Simulated drivers answering a campaign (demo life): share of delivered recipients, and the mix. */
export interface DriverReplyKnobs {
  readonly share: number;
  readonly mix: { readonly yes: number; readonly question: number; readonly stop: number };
}

export const DEFAULT_DRIVER_REPLIES: DriverReplyKnobs = Object.freeze({ share: 0, mix: Object.freeze({ yes: 0.6, question: 0.3, stop: 0.1 }) });

export const TWILIO_API_VERSION = '2010-04-01';

export function isFinalStatus(status: MessageStatus): boolean {
  return status === 'delivered' || status === 'undelivered' || status === 'failed' || status === 'canceled' || status === 'received';
}
