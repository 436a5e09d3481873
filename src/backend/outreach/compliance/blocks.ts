/**
 * Hard blocks: the checks that stop a contact outright, in the order they are evaluated
 * (tenant, contact data, opt-outs / suppression, consent). See docs/compliance-engine.md.
 */
import type { ConsentRecord } from '../../collections/common';
import { CONSENT_SOURCES, type ContactChannel } from '../../collections/vocabulary';
import type { BlockDecision, BlockRule, DecideContactInput, DecisionDriver, OptOutRecord } from './types';

const CONSENT_SOURCE_SET: ReadonlySet<string> = new Set(CONSENT_SOURCES);

function block(rule: BlockRule, reason: string): BlockDecision {
  return { action: 'block', rule, reason };
}

/** Provenance = how (source), when (captured_at, not in the future) and to which text (text_version). */
export function hasProvenance(consent: ConsentRecord, now: Date): boolean {
  const source: unknown = consent.source;
  const capturedAt: unknown = consent.captured_at;
  const textVersion: unknown = consent.text_version;
  return (
    typeof source === 'string' &&
    CONSENT_SOURCE_SET.has(source) &&
    capturedAt instanceof Date &&
    !Number.isNaN(capturedAt.getTime()) &&
    capturedAt.getTime() <= now.getTime() &&
    typeof textVersion === 'string' &&
    textVersion.trim().length > 0
  );
}

/** The consent check shared by SMS, voicemail and email: granted, with provenance, not revoked. */
export function consentBlock(consent: ConsentRecord | null | undefined, what: string, now: Date): BlockDecision | null {
  if (consent === null || consent === undefined) return block('consent.missing', `No ${what} consent on file`);
  if (consent.revoked_at !== null && consent.revoked_at !== undefined) {
    return block('consent.revoked', `${what} consent was revoked on ${consent.revoked_at.toISOString()}`);
  }
  if (consent.granted !== true) return block('consent.refused', `The driver declined ${what} consent`);
  if (!hasProvenance(consent, now)) {
    return block('consent.no_provenance', `${what} consent lacks provenance (source, capture time and disclosure text version are required)`);
  }
  return null;
}

/** Which SMSOptOuts record of a phone silences this carrier, if any. */
export type OptOutState =
  | { readonly optedOut: false }
  | { readonly optedOut: true; readonly scope: 'carrier' | 'all'; readonly since: Date };

/**
 * A carrier-scoped record that is not resubscribed opts the phone out of that carrier; an `all`
 * record (STOPALL) opts it out of every carrier unless this carrier's record shows a resubscribe
 * (START to this carrier) after the `all` opt-out.
 */
export function optOutStateOf(records: readonly OptOutRecord[] | undefined, phone: string | null, carrierDot: string): OptOutState {
  if (phone === null || !records || records.length === 0) return { optedOut: false };
  let own: OptOutRecord | undefined;
  let all: OptOutRecord | undefined;
  for (const r of records) {
    if (r.phone_number !== phone) continue;
    if (r.carrier_dot === carrierDot) own = r;
    else if (r.carrier_dot === 'all') all = r;
  }
  if (own && !own.resubscribed) return { optedOut: true, scope: 'carrier', since: own.opted_out_at };
  if (all && !all.resubscribed) {
    const resubscribedAt = own?.resubscribed ? own.resubscribed_at : null;
    const overridden = resubscribedAt !== null && resubscribedAt !== undefined && resubscribedAt.getTime() >= all.opted_out_at.getTime();
    if (!overridden) return { optedOut: true, scope: 'all', since: all.opted_out_at };
  }
  return { optedOut: false };
}

/** SMSOptOuts for the phone (this carrier or `all`), then the driver's own opt-out mirror. */
export function optOutBlock(driver: DecisionDriver, carrierDot: string, optOuts: readonly OptOutRecord[] | undefined): BlockDecision | null {
  const state = optOutStateOf(optOuts, driver.phone, carrierDot);
  if (state.optedOut) {
    return state.scope === 'all'
      ? block('opt_out.all', `The phone opted out of messages from every carrier on ${state.since.toISOString()}`)
      : block('opt_out.carrier', `The phone opted out of this carrier's messages on ${state.since.toISOString()}`);
  }
  if (driver.sms_opted_out_at !== null && driver.sms_opted_out_at !== undefined) {
    return block('opt_out.driver', `The driver opted out on ${driver.sms_opted_out_at.toISOString()}`);
  }
  return null;
}

function phoneBlock(driver: DecisionDriver, channel: 'sms' | 'voicemail' | 'call'): BlockDecision | null {
  if (driver.phone === null) return block('contact.phone_missing', 'No phone number on file');
  if (!driver.phone_valid) return block('contact.phone_invalid', 'The phone number is not a valid, dialable number');
  if (driver.phone_line_type === 'landline' && channel !== 'call') {
    return block('contact.landline', channel === 'sms' ? 'The number is a landline and cannot receive texts' : 'Ringless voicemail cannot reach a landline');
  }
  return null;
}

function emailBlock(driver: DecisionDriver, now: Date): BlockDecision | null {
  if (driver.email_suppressed_reason !== null && driver.email_suppressed_reason !== undefined) {
    return block('email.suppressed', `The address is suppressed (${driver.email_suppressed_reason})`);
  }
  if (driver.email === null) return block('contact.email_missing', 'No email address on file');
  if (!driver.email_valid) return block('contact.email_invalid', 'The email address is not valid');
  return consentBlock(driver.email_consent, 'marketing email', now);
}

/** A prior explicit revocation of voice consent is treated as an internal do-not-call request. */
function internalDncBlock(driver: DecisionDriver): BlockDecision | null {
  const revokedAt = driver.voice_consent?.revoked_at;
  if (revokedAt === null || revokedAt === undefined) return null;
  return block('internal_dnc.voice_revoked', `The driver revoked call consent on ${revokedAt.toISOString()}`);
}

function channelBlock(channel: ContactChannel, input: DecideContactInput): BlockDecision | null {
  const { driver, carrier, now } = input;
  switch (channel) {
    case 'sms':
      return phoneBlock(driver, channel) ?? optOutBlock(driver, carrier.carrier_dot, input.optOuts) ?? consentBlock(driver.sms_consent, 'SMS', now);
    case 'voicemail':
      return phoneBlock(driver, channel) ?? optOutBlock(driver, carrier.carrier_dot, input.optOuts) ?? consentBlock(driver.voice_consent, 'prerecorded voice (ringless voicemail)', now);
    case 'call':
      return phoneBlock(driver, channel) ?? optOutBlock(driver, carrier.carrier_dot, input.optOuts) ?? internalDncBlock(driver);
    case 'email':
      return emailBlock(driver, now);
  }
}

/** The first hard block that applies, or null when the contact may proceed to caps and windows. */
export function hardBlock(input: DecideContactInput): BlockDecision | null {
  if (input.driver.carrier_dot !== input.carrier.carrier_dot) {
    return block('tenant.mismatch', 'The driver belongs to another carrier');
  }
  if (!input.carrier.active) return block('carrier.inactive', 'The carrier account is inactive');
  return channelBlock(input.channel, input);
}
