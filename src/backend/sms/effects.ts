/**
 * What a sent wave changes beyond its messages: ContactEvents (caps and history), the drivers'
 * `last_sms_at`, and what Twilio's refusals teach us (21610 → opt-out; 21211 → invalid phone;
 * 21614 → landline). `last_sms_at` is patched on the wave's drivers in one request; drivers a
 * refusal changes are re-read right before their full-item update so it does not undo a concurrent opt-out.
 */
import type { Carrier, DriverProfile } from '../collections/people';
import type { SMSMessage, SMSOptOut } from '../collections/sms';
import { optOutRecordFor, type ComplianceStore } from '../outreach/compliance';
import { elevatedCollection } from '../platform/data';
import { SMSOptOuts } from '../collections/sms';
import { drivers, driversByIds } from './records';
import { effectOfTwilioError } from './status';

function errorEffect(message: SMSMessage): ReturnType<typeof effectOfTwilioError> {
  if (message.status !== 'failed' || !message.error_code || !/^\d+$/.test(message.error_code)) return 'none';
  return effectOfTwilioError(Number(message.error_code));
}

/**
 * `campaignId`: the campaign of every message (a sequence step's messages carry their own `sequence_id` instead).
 * `mirrorLastSms: false` when the caller writes `last_sms_at` in a driver update of its own.
 */
export async function applyDeliveryEffects(input: { carrier: Carrier; campaignId: string | null; updated: readonly SMSMessage[]; compliance: ComplianceStore; at: Date; mirrorLastSms?: boolean }): Promise<void> {
  const { carrier, campaignId, updated, compliance, at } = input;
  const sent = updated.filter((m) => m.status !== 'failed' && m.twilio_sid && m.driver_id);
  await compliance.recordContacts(
    sent.map((m) => ({ carrier_dot: carrier.carrier_dot, driver_id: m.driver_id ?? '', channel: 'sms' as const, at: m.sent_at ?? at, campaign_id: m.campaign_id ?? campaignId, sequence_id: m.sequence_id ?? null, message_id: m._id })),
  );
  // The mirror the audience filters read (`no_sms_in_last_days`): one field written to the whole wave,
  // no read first. No hook derives anything from it, so hooks are skipped.
  const contacted = [...new Set(sent.map((m) => m.driver_id ?? ''))];
  if (contacted.length > 0 && input.mirrorLastSms !== false) await drivers().bulkPatch(contacted, { last_sms_at: at }, { suppressHooks: true });
  const effects = updated.map((m) => ({ m, effect: errorEffect(m) })).filter((x) => x.effect !== 'none');
  if (effects.length === 0) return;
  // Rare (Twilio refused the number): re-read right before the write so the full-item update keeps a concurrent change.
  const current = new Map((await driversByIds([...new Set(effects.map((x) => x.m.driver_id ?? '').filter((id) => id !== ''))])).map((d) => [d._id, d]));
  const changed = new Map<string, DriverProfile>();
  const optOuts: SMSOptOut[] = [];
  for (const { m, effect } of effects) {
    const d = changed.get(m.driver_id ?? '') ?? current.get(m.driver_id ?? '');
    switch (effect) {
      case 'opt_out':
        optOuts.push(optOutRecordFor({ phone: m.phone_number, carrierDot: carrier.carrier_dot, driverId: m.driver_id ?? null, now: at, source: 'provider_block', message: `Twilio ${m.error_code}` }));
        if (d) changed.set(d._id, { ...d, sms_opted_out_at: d.sms_opted_out_at ?? at });
        break;
      case 'phone_invalid':
        if (d) changed.set(d._id, { ...d, phone_valid: false });
        break;
      case 'landline':
        if (d) changed.set(d._id, { ...d, phone_line_type: 'landline' });
        break;
      case 'none':
        break;
    }
  }
  if (optOuts.length > 0) await elevatedCollection(SMSOptOuts).bulkSave(optOuts);
  if (changed.size > 0) await drivers().bulkUpdate([...changed.values()]);
}
