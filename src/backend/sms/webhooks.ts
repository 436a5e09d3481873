/**
 * Twilio webhooks after the signature check: status callbacks (monotonic, idempotent) and inbound
 * messages (opt-out / opt-in / HELP keywords through the compliance engine, other texts attached to
 * the driver's latest message as a reply). Replies to keywords go back as TwiML in the webhook
 * response: one confirmation per keyword message, no extra API call.
 */
import * as z from 'zod';
import type { Carrier } from '../collections/people';
import type { SMSMessage } from '../collections/sms';
import { Carriers } from '../collections/people';
import { createComplianceStore } from '../adapters/complianceStore';
import { handleInboundSms, type ComplianceStore } from '../outreach';
import { elevatedCollection } from '../platform/data';
import { now as clockNow } from '../platform';
import { exitSequencesForPhone } from '../sequences/exits';
import { findCarrier, mergeProviderState, messages } from './records';
import { priceOf } from './status';

/** The status-callback fields we read (Twilio adds others; the signature covers all of them). */
export const StatusCallbackParams = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
  Price: z.string().optional(),
  NumSegments: z.string().optional(),
});

export const InboundParams = z.object({
  MessageSid: z.string().min(1),
  From: z.string().regex(/^\+[1-9]\d{7,14}$/),
  To: z.string().min(1),
  Body: z.string().max(1600).default(''),
});

export type WebhookResult = { readonly status: 'updated' | 'unchanged' | 'unknown_message' };

export async function handleStatusCallback(params: z.infer<typeof StatusCallbackParams>, ourMessageId: string | null): Promise<WebhookResult> {
  const byOurId = ourMessageId ? await messages().get(ourMessageId) : null;
  const message = byOurId && (!byOurId.twilio_sid || byOurId.twilio_sid === params.MessageSid) ? byOurId : (await messages().find((q) => q.eq('twilio_sid', params.MessageSid), { limit: 1 }))[0];
  if (!message) return { status: 'unknown_message' };
  const segments = params.NumSegments ? Number(params.NumSegments) : null;
  const merged = mergeProviderState(
    message,
    {
      sid: params.MessageSid,
      status: params.MessageStatus,
      errorCode: params.ErrorCode && /^\d+$/.test(params.ErrorCode) ? Number(params.ErrorCode) : null,
      errorMessage: params.ErrorMessage ?? null,
      price: priceOf(params.Price),
      segments: segments !== null && Number.isInteger(segments) && segments > 0 ? segments : null,
    },
    clockNow(),
  );
  if (!merged) return { status: 'unchanged' };
  await messages().update(merged);
  return { status: 'updated' };
}

async function latestMessageTo(phone: string, carrierDot: string | null): Promise<SMSMessage | null> {
  const [latest] = await messages().find((q) => (carrierDot ? q.eq('carrier_dot', carrierDot) : q).eq('phone_number', phone).isNotEmpty('sent_at').descending('sent_at'), { limit: 1 });
  return latest ?? null;
}

async function carrierForInbound(latest: SMSMessage | null, to: string): Promise<Carrier | null> {
  if (latest) return findCarrier(latest.carrier_dot);
  const [bySender] = await elevatedCollection(Carriers).find((q) => q.eq('sms_sender', to), { limit: 1 });
  return bySender ?? null;
}

/** Cancels every message not yet sent to this phone: of one carrier, or of all (STOPALL). */
export async function cancelPendingTo(phone: string, carrierDot: string | 'all', at: Date): Promise<number> {
  let canceled = 0;
  for (;;) {
    const open = await messages().find((q) => (carrierDot === 'all' ? q : q.eq('carrier_dot', carrierDot)).eq('phone_number', phone).hasSome('status', ['pending', 'held']), { limit: 1000 });
    if (open.length === 0) return canceled;
    await messages().bulkUpdate(open.map((m) => ({ ...m, status: 'canceled' as const, opted_out: true, compliance_rule: 'opt_out.keyword', compliance_reason: 'The driver opted out before this message was sent', status_updated_at: at })));
    canceled += open.length;
    if (open.length < 1000) return canceled;
  }
}

export interface InboundResult {
  readonly effect: string;
  /** Text for the TwiML <Message>, or null for an empty <Response/>. */
  readonly reply: string | null;
}

export async function handleIncomingSms(params: z.infer<typeof InboundParams>, store: ComplianceStore = createComplianceStore()): Promise<InboundResult> {
  const at = clockNow();
  const latest = await latestMessageTo(params.From, null);
  const carrier = await carrierForInbound(latest, params.To);
  if (!carrier) return { effect: 'unknown_carrier', reply: null };
  const outcome = await handleInboundSms({ carrier, phone: params.From, text: params.Body, now: at, messageId: params.MessageSid }, store);
  switch (outcome.effect) {
    case 'opted_out': {
      const scope = outcome.optOuts[0]?.carrier_dot === 'all' ? 'all' : carrier.carrier_dot;
      await cancelPendingTo(params.From, scope, at);
      if (latest && !latest.opted_out) await messages().update({ ...latest, opted_out: true });
      // Drip sequences: the driver's running enrollments end (exit `opted_out`).
      await exitSequencesForPhone({ phone: params.From, carrierDot: scope, reason: 'opted_out', at, store });
      return { effect: outcome.effect, reply: outcome.reply };
    }
    case 'already_opted_out':
    case 'opted_in':
    case 'not_opted_out':
    case 'help':
      return { effect: outcome.effect, reply: outcome.reply };
    case 'none': {
      const own = latest && latest.carrier_dot === carrier.carrier_dot ? latest : await latestMessageTo(params.From, carrier.carrier_dot);
      if (own && !(own.reply_received && own.reply_content === params.Body)) {
        await messages().update({ ...own, reply_received: true, reply_content: params.Body.slice(0, 1600), reply_at: at, reply_state: 'new' });
      }
      // Drip sequences: a reply ends the driver's running enrollments (exit `replied`).
      await exitSequencesForPhone({ phone: params.From, carrierDot: carrier.carrier_dot, reason: 'replied', at, store });
      return { effect: 'reply', reply: null };
    }
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

export function twiml(reply: string | null): string {
  return reply ? `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(reply)}</Message></Response>` : '<?xml version="1.0" encoding="UTF-8"?><Response/>';
}
