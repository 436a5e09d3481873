/**
 * The SendGrid Event Webhook payload (reference providers.md §3.4): a JSON array of events, each a
 * discriminated union on `event`. Schemas are strict on the fields this project reads and tolerant
 * of everything else (SendGrid adds fields over time; unknown keys are dropped by the parse).
 *
 * Every custom_args key of the send arrives flattened at the top level of each event. The sender
 * sets our message id and carrier there (`EMAIL_CUSTOM_ARGS`), under one-letter keys: SendGrid
 * repeats them on every event, and a 1000-event batch must stay under Wix's 512 KB request body
 * cap (docs/email-events.md, "Body size"). The campaign or sequence is the message record's.
 */
import * as z from 'zod';

/** The custom_args keys the sender puts on every email (email/compose.ts `emailCustomArgs`); SendGrid echoes them on each event. */
export const EMAIL_CUSTOM_ARGS = Object.freeze({
  messageId: 'm',
  carrierDot: 'c',
} as const);

/** The keys mail sent before the short ones carried; its late events (opens, clicks, unsubscribes) still arrive. */
export const LEGACY_EMAIL_CUSTOM_ARGS = Object.freeze({
  messageId: 'message_id',
  carrierDot: 'carrier_dot',
} as const);

const messageIdArg = z.string().min(1).max(200).optional();
const carrierDotArg = z.string().regex(/^\d{1,8}$/).optional();

/** A unix time in seconds (SendGrid sends integers; fractions are tolerated). */
const unixSeconds = z.number().finite().nonnegative().max(32_503_680_000);
/** SendGrid sends some numbers as strings (`attempt: "2"`); accept both, keep an integer. */
const intLike = z.union([z.number().int(), z.string().regex(/^\d{1,9}$/).transform(Number)]).pipe(z.number().int().nonnegative());
const shortText = z.string().max(2_000);

/** Fields on every event, plus the custom args we read. */
const common = {
  email: z.string().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address'),
  timestamp: unixSeconds,
  /** Unique per event (≤100 chars, URL-safe): the dedupe key. */
  sg_event_id: z.string().min(1).max(100),
  /** `<X-Message-Id>.<filter suffix>`; absent on some asynchronous bounces. */
  sg_message_id: z.string().min(1).max(300).optional(),
  [EMAIL_CUSTOM_ARGS.messageId]: messageIdArg,
  [EMAIL_CUSTOM_ARGS.carrierDot]: carrierDotArg,
  [LEGACY_EMAIL_CUSTOM_ARGS.messageId]: messageIdArg,
  [LEGACY_EMAIL_CUSTOM_ARGS.carrierDot]: carrierDotArg,
} as const;

export const ProcessedEvent = z.object({ ...common, event: z.literal('processed'), send_at: unixSeconds.optional() });
export const DroppedEvent = z.object({ ...common, event: z.literal('dropped'), reason: shortText.optional(), status: shortText.optional() });
export const DeliveredEvent = z.object({ ...common, event: z.literal('delivered'), response: shortText.optional() });
export const DeferredEvent = z.object({ ...common, event: z.literal('deferred'), response: shortText.optional(), attempt: intLike.optional() });
export const BounceEvent = z.object({
  ...common,
  event: z.literal('bounce'),
  /** `bounce`: the receiving server refused the address; `blocked`: it refused the sender or content. */
  type: z.enum(['bounce', 'blocked']).optional(),
  /** SMTP enhanced status, e.g. "5.1.1" (hard) or "4.2.2" (temporary). */
  status: shortText.optional(),
  reason: shortText.optional(),
  bounce_classification: shortText.optional(),
});
export const OpenEvent = z.object({
  ...common,
  event: z.literal('open'),
  /** True when a mail-privacy proxy fetched the pixel (not a person reading). */
  sg_machine_open: z.boolean().optional(),
});
export const ClickEvent = z.object({ ...common, event: z.literal('click'), url: z.string().min(1).max(8_000) });
export const SpamReportEvent = z.object({ ...common, event: z.literal('spamreport') });
export const UnsubscribeEvent = z.object({ ...common, event: z.literal('unsubscribe') });
export const GroupUnsubscribeEvent = z.object({ ...common, event: z.literal('group_unsubscribe'), asm_group_id: intLike.pipe(z.number().int().positive()) });
export const GroupResubscribeEvent = z.object({ ...common, event: z.literal('group_resubscribe'), asm_group_id: intLike.pipe(z.number().int().positive()) });

/** One Event Webhook event we act on. */
export const SendGridEvent = z.discriminatedUnion('event', [
  ProcessedEvent,
  DroppedEvent,
  DeliveredEvent,
  DeferredEvent,
  BounceEvent,
  OpenEvent,
  ClickEvent,
  SpamReportEvent,
  UnsubscribeEvent,
  GroupUnsubscribeEvent,
  GroupResubscribeEvent,
]);
export type SendGridEvent = z.infer<typeof SendGridEvent>;
export type SendGridEventType = SendGridEvent['event'];

export const SENDGRID_EVENT_TYPES: readonly SendGridEventType[] = SendGridEvent.options.map((o) => o.shape.event.value);

/**
 * The request body: a JSON array of objects. Each element is then parsed on its own, so one odd
 * event (an unknown type, a field of the wrong type) is skipped and counted rather than failing
 * the whole batch, which SendGrid would retry for a day and then drop with all its good events.
 */
export const SendGridEventBatch = z.array(z.record(z.string(), z.unknown())).max(10_000);

export interface ParsedBatch {
  readonly events: SendGridEvent[];
  /** Elements of a type we don't handle (e.g. account events). */
  readonly unsupported: number;
  /** Elements of a known type whose fields we read are missing or malformed. */
  readonly invalid: number;
}

const KNOWN: ReadonlySet<string> = new Set(SENDGRID_EVENT_TYPES);

/** Parses an already JSON-decoded body; `null` when it is not an array of objects. */
export function parseSendGridEventBatch(body: unknown): ParsedBatch | null {
  const batch = SendGridEventBatch.safeParse(body);
  if (!batch.success) return null;
  const events: SendGridEvent[] = [];
  let unsupported = 0;
  let invalid = 0;
  for (const element of batch.data) {
    const type = element['event'];
    if (typeof type !== 'string' || !KNOWN.has(type)) {
      unsupported += 1;
      continue;
    }
    const parsed = SendGridEvent.safeParse(element);
    if (parsed.success) events.push(parsed.data);
    else invalid += 1;
  }
  return { events, unsupported, invalid };
}

/** Our message id from the event's custom args, if the sender set it. */
export function messageIdOf(event: SendGridEvent): string | null {
  return event[EMAIL_CUSTOM_ARGS.messageId] ?? event[LEGACY_EMAIL_CUSTOM_ARGS.messageId] ?? null;
}

/** The carrier from the event's custom args, if the sender set it. */
export function carrierOf(event: SendGridEvent): string | null {
  return event[EMAIL_CUSTOM_ARGS.carrierDot] ?? event[LEGACY_EMAIL_CUSTOM_ARGS.carrierDot] ?? null;
}

/** `sendgrid_id` as the sender stores it: the X-Message-Id, i.e. `sg_message_id` before the first '.'. */
export function sendgridIdOf(event: SendGridEvent): string | null {
  const id = event.sg_message_id;
  if (!id) return null;
  const dot = id.indexOf('.');
  const head = dot < 0 ? id : id.slice(0, dot);
  return head === '' ? null : head;
}
