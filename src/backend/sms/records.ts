/**
 * SMSMessages reads and writes the sender and the webhooks share, each one data request per ≤1000
 * items, and the mapping of a provider result onto a stored message (monotonic).
 */
import { Carriers, DriverProfiles, type Carrier, type DriverProfile } from '../collections/people';
import { SMSCampaigns, SMSMessages, type SMSCampaign, type SMSMessage } from '../collections/sms';
import type { SmsMessageStatus } from '../collections/vocabulary';
import { elevatedCollection, type WixDataFilter } from '../platform/data';
import type { Delivery } from './deliver';
import type { ProviderMessage } from './provider';
import { advancesStatus, fromTwilioStatus } from './status';

export const campaigns = () => elevatedCollection(SMSCampaigns);
export const messages = () => elevatedCollection(SMSMessages);
export const drivers = () => elevatedCollection(DriverProfiles);

export async function findCarrier(carrierDot: string): Promise<Carrier | null> {
  const [carrier] = await elevatedCollection(Carriers).find((q) => q.eq('carrier_dot', carrierDot), { limit: 1 });
  return carrier ?? null;
}

/** Items by id (≤1000: one read). */
export async function messagesByIds(ids: readonly string[]): Promise<SMSMessage[]> {
  if (ids.length === 0) return [];
  return messages().find((q) => q.hasSome('_id', [...ids]), { limit: 1000 });
}

export async function driversByIds(ids: readonly string[]): Promise<DriverProfile[]> {
  if (ids.length === 0) return [];
  return drivers().find((q) => q.hasSome('_id', [...ids]), { limit: 1000 });
}

/** Applies a provider view of a message (create result, fetch, list, callback) without ever moving it backwards. */
export function mergeProviderState(message: SMSMessage, p: Pick<ProviderMessage, 'sid' | 'status' | 'errorCode' | 'errorMessage' | 'price' | 'segments'>, at: Date): SMSMessage | null {
  const next = fromTwilioStatus(p.status);
  const sidNew = message.twilio_sid !== p.sid;
  const priceNew = p.price !== null && message.cost !== p.price;
  const advances = next !== null && advancesStatus(message.status, next);
  if (!advances && !sidNew && !priceNew) return null;
  const status: SmsMessageStatus = advances && next ? next : message.status;
  const failed = status === 'failed' || status === 'undelivered';
  // One copy, then the changed fields in a fixed order (the stored key order stays the same).
  const out: SMSMessage = { ...message, twilio_sid: p.sid, status };
  if (priceNew) out.cost = p.price;
  if (p.segments !== null) out.segments = p.segments;
  if (advances && failed) {
    out.error_code = p.errorCode !== null ? String(p.errorCode) : (message.error_code ?? null);
    out.error_message = p.errorMessage ?? message.error_message ?? null;
  }
  if (advances && (status === 'sent' || status === 'queued') && !message.sent_at) out.sent_at = at;
  if (advances && status === 'delivered') {
    out.delivered_at = at;
    out.sent_at = message.sent_at ?? at;
  }
  out.status_updated_at = advances ? at : (message.status_updated_at ?? at);
  return out;
}

export const PAUSED_RULE = 'campaign.paused';

/** The stored record after a wave's provider call. */
export function applyDelivery(message: SMSMessage, delivery: Delivery, at: Date): SMSMessage {
  switch (delivery.outcome) {
    case 'sent': {
      // A wave's records are stored `sending`; the merge works on a copy of its own either way.
      const merged = mergeProviderState(message.status === 'sending' ? message : { ...message, status: 'sending' }, delivery.message, at) ?? { ...message };
      if (merged.status === 'sending') merged.status = 'queued';
      merged.attempts = (message.attempts ?? 0) + delivery.attempts;
      merged.sent_at = merged.sent_at ?? at;
      return merged;
    }
    case 'unsent':
      // Paused before its provider call: held for the resume, which decides it again.
      return {
        ...message,
        status: 'held',
        send_after: at,
        compliance_rule: PAUSED_RULE,
        compliance_reason: 'The campaign was paused before this message was sent',
        attempts: (message.attempts ?? 0) + delivery.attempts,
        status_updated_at: at,
      };
    case 'failed':
      return {
        ...message,
        status: 'failed',
        error_code: delivery.code,
        error_message: delivery.reason.slice(0, 500),
        opted_out: delivery.effect === 'opt_out' ? true : message.opted_out,
        attempts: (message.attempts ?? 0) + delivery.attempts,
        status_updated_at: at,
      };
  }
}

export type CampaignFields = Partial<Omit<SMSCampaign, '_id' | '_createdDate' | '_updatedDate' | '_owner'>>;

/**
 * Writes the given campaign fields only (Wix `patch`), never the whole item: a pause, resume or
 * edit written meanwhile is kept. With `when`, only if the stored campaign still matches it
 * (`null` when it didn't: nothing was written).
 */
export async function patchCampaign(campaignId: string, fields: CampaignFields, when?: (f: WixDataFilter) => WixDataFilter): Promise<SMSCampaign | null> {
  const db = campaigns();
  return db.patch(campaignId, fields, when ? { condition: when(db.filter()) } : {});
}
