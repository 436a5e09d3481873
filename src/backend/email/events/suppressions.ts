/**
 * Which addresses a batch of SendGrid events suppresses or lets back in (pure). Hard bounces, spam
 * reports and unsubscribes suppress the address for the message's carrier; a group unsubscribe
 * suppresses it for that SendGrid unsubscribe group, and a group resubscribe lifts that. Soft
 * bounces, blocks and drops suppress nothing (the address may well be fine).
 */
import type { EmailMessage } from '../../collections/email';
import { bounceTypeOf } from './merge';
import { carrierOf, type SendGridEvent } from './schema';

export type SuppressingReason = 'hard_bounce' | 'spam_report' | 'unsubscribed' | 'group_unsubscribed';

export type SuppressionChange =
  | {
      readonly kind: 'suppress';
      readonly carrierDot: string;
      /** Lower-cased. */
      readonly emailAddress: string;
      readonly reason: SuppressingReason;
      readonly asmGroupId: number | null;
      readonly driverId: string | null;
      readonly at: Date;
      /** The sg_event_id, for the audit trail. */
      readonly evidence: string;
    }
  | {
      readonly kind: 'lift';
      readonly carrierDot: string;
      readonly emailAddress: string;
      readonly asmGroupId: number;
      readonly driverId: string | null;
      readonly at: Date;
      readonly evidence: string;
    };

/** Identifies one address's membership of one unsubscribe group at one carrier. */
export function groupKey(carrierDot: string, emailAddress: string, asmGroupId: number): string {
  return `${carrierDot}|${emailAddress.trim().toLowerCase()}|${asmGroupId}`;
}

/** The receipt's group key of a group (un/re)subscribe whose custom args name our carrier, else null. */
export function receiptGroupKeyOf(event: SendGridEvent): string | null {
  if (event.event !== 'group_unsubscribe' && event.event !== 'group_resubscribe') return null;
  const carrierDot = carrierOf(event);
  return carrierDot ? groupKey(carrierDot, event.email, event.asm_group_id) : null;
}

function reasonOf(event: SendGridEvent): SuppressingReason | 'group_resubscribe' | null {
  switch (event.event) {
    case 'bounce':
      return bounceTypeOf(event) === 'hard' ? 'hard_bounce' : null;
    case 'spamreport':
      return 'spam_report';
    case 'unsubscribe':
      return 'unsubscribed';
    case 'group_unsubscribe':
      return 'group_unsubscribed';
    case 'group_resubscribe':
      return 'group_resubscribe';
    case 'processed':
    case 'dropped':
    case 'delivered':
    case 'deferred':
    case 'open':
    case 'click':
      return null;
  }
}

/**
 * The suppression changes of a batch's new events. `messageOf` gives the stored message an event
 * names (its carrier and driver are the truth); an event whose message is unknown still counts when
 * its custom args name our carrier — an unsubscribe is honoured even if the message record is gone.
 * For one address, carrier and group only the latest group (un/re)subscribe counts; on a tie the
 * unsubscribe wins.
 */
export function suppressionChanges(events: readonly SendGridEvent[], messageOf: (event: SendGridEvent) => EmailMessage | null): SuppressionChange[] {
  const out: SuppressionChange[] = [];
  const groupLatest = new Map<string, { event: SendGridEvent; carrierDot: string; driverId: string | null; resubscribe: boolean }>();
  for (const event of events) {
    const reason = reasonOf(event);
    if (reason === null) continue;
    const message = messageOf(event);
    const carrierDot = message?.carrier_dot ?? carrierOf(event);
    if (!carrierDot) continue;
    const emailAddress = event.email.trim().toLowerCase();
    const driverId = message?.driver_id ?? null;
    if (event.event === 'group_unsubscribe' || event.event === 'group_resubscribe') {
      const key = groupKey(carrierDot, emailAddress, event.asm_group_id);
      const resubscribe = event.event === 'group_resubscribe';
      const seen = groupLatest.get(key);
      const newer = !seen || event.timestamp > seen.event.timestamp || (event.timestamp === seen.event.timestamp && seen.resubscribe && !resubscribe);
      if (newer) groupLatest.set(key, { event, carrierDot, driverId, resubscribe });
      continue;
    }
    if (reason === 'group_resubscribe' || reason === 'group_unsubscribed') continue;
    out.push({ kind: 'suppress', carrierDot, emailAddress, reason, asmGroupId: null, driverId, at: new Date(event.timestamp * 1000), evidence: event.sg_event_id });
  }
  for (const { event, carrierDot, driverId, resubscribe } of groupLatest.values()) {
    if (event.event !== 'group_unsubscribe' && event.event !== 'group_resubscribe') continue;
    const base = { carrierDot, emailAddress: event.email.trim().toLowerCase(), at: new Date(event.timestamp * 1000), evidence: event.sg_event_id };
    out.push(resubscribe ? { kind: 'lift', ...base, asmGroupId: event.asm_group_id, driverId } : { kind: 'suppress', ...base, reason: 'group_unsubscribed', asmGroupId: event.asm_group_id, driverId });
  }
  return out;
}
