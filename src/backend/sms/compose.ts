/**
 * Turning one page of the audience into SMSMessages records (pure except for the compliance read
 * done by the caller): the compliance decision, the A/B variant, the rendered body with sender
 * identification, and the deterministic id (campaign + run + phone) that makes a rerun idempotent and
 * gives one message per phone per run, even when a driver was imported twice under two profiles.
 */
import type { Carrier, DriverProfile } from '../collections/people';
import type { SMSCampaign, SMSMessage } from '../collections/sms';
import type { NewItem } from '../platform/data';
import type { SMSMessages } from '../collections/sms';
import { assignVariant, ensureSenderIdentification, renderTemplate, templateValuesFor, type ContactDecision, type TemplateDriver, type WaveDriver } from '../outreach';
import { countSmsSegments } from '../outreach';

export type NewSmsMessage = NewItem<typeof SMSMessages> & { _id: string };

/** `<campaign>.r<run>.` — every message id of a run starts with it. */
export function runPrefix(campaignId: string, run: number): string {
  return `${campaignId}.r${run}.`;
}

/**
 * `<campaign>.r<run>.p<phone digits>`: one record per phone per run, so two profiles sharing a phone
 * (the same person imported twice) get one message. A driver without a phone (never sendable) keys
 * on the driver id instead.
 */
export function messageId(campaignId: string, run: number, driver: Pick<DriverProfile, '_id' | 'phone'>): string {
  const digits = (driver.phone ?? '').replace(/\D/g, '');
  return `${runPrefix(campaignId, run)}${digits ? `p${digits}` : `d${driver._id}`}`;
}

/** The template a driver gets: the assigned variant's, else the campaign's. */
export function templateFor(campaign: Pick<SMSCampaign, '_id' | 'message_template' | 'message_variants'>, driverId: string): { variantId: string | null; template: string } {
  const variants = campaign.message_variants.filter((v) => v.weight > 0);
  if (variants.length === 0) return { variantId: null, template: campaign.message_template };
  const id = assignVariant({ campaignId: campaign._id, driverId, variants: variants.map((v) => ({ id: v.variant_id, weight: v.weight })) });
  const chosen = variants.find((v) => v.variant_id === id);
  return { variantId: id, template: chosen?.message_template ?? campaign.message_template };
}

export function renderSmsBody(input: { template: string; driver: TemplateDriver; carrier: Carrier }): { ok: true; body: string } | { ok: false; reason: string } {
  const values = templateValuesFor({ driver: input.driver, carrier: input.carrier });
  const rendered = renderTemplate({ template: input.template, channel: 'sms', values });
  if (!rendered.ok) return { ok: false, reason: rendered.reason };
  return { ok: true, body: ensureSenderIdentification(rendered.text, input.carrier.name) };
}

/** One driver's message record for this run, from the compliance decision. */
export function composeMessage(input: {
  campaign: SMSCampaign;
  carrier: Carrier;
  driver: WaveDriver;
  decision: ContactDecision;
  run: number;
  now: Date;
}): NewSmsMessage {
  const { campaign, carrier, driver, decision, run, now } = input;
  const { variantId, template } = templateFor(campaign, driver._id);
  const rendered = renderSmsBody({ template, driver, carrier });
  const verdict = complianceOf(rendered, decision);
  // One object literal (no copies): a wave keeps 1000 of these alive while it is sent.
  return {
    _id: messageId(campaign._id, run, driver),
    campaign_id: campaign._id,
    carrier_dot: campaign.carrier_dot,
    driver_id: driver._id,
    // The audience stream only yields SMS-reachable drivers, whose phone is set.
    phone_number: driver.phone ?? '',
    message_body: rendered.ok ? rendered.body : '',
    variant_id: variantId,
    twilio_sid: null,
    error_code: null,
    error_message: null,
    sent_at: null,
    delivered_at: null,
    cost: null,
    reply_received: false,
    reply_content: null,
    reply_at: null,
    opted_out: false,
    attempts: 0,
    reply_state: null,
    status_updated_at: now,
    attempted_at: null,
    run_number: run,
    ...(rendered.ok ? { segments: Math.max(1, countSmsSegments(rendered.body).segments) } : {}),
    status: verdict.status,
    compliance_rule: verdict.rule,
    compliance_reason: verdict.reason,
    send_after: verdict.sendAfter,
  };
}

/** The record's status and compliance fields: a template that can't render blocks, else the decision decides. */
function complianceOf(rendered: { ok: true } | { ok: false; reason: string }, decision: ContactDecision): Pick<NewSmsMessage, 'status'> & { rule: string | null; reason: string | null; sendAfter: Date | null } {
  if (!rendered.ok) return { status: 'blocked', rule: 'template.missing_value', reason: rendered.reason, sendAfter: null };
  switch (decision.action) {
    case 'send':
      return { status: 'pending', rule: null, reason: null, sendAfter: null };
    case 'hold':
      return { status: 'held', rule: decision.rule, reason: decision.reason, sendAfter: decision.until };
    case 'block':
      return { status: 'blocked', rule: decision.rule, reason: decision.reason, sendAfter: null };
  }
}

/** The sendable subset of stored records (used after an idempotent re-insert). */
export function isSendable(message: Pick<SMSMessage, 'status'>): boolean {
  return message.status === 'pending';
}
