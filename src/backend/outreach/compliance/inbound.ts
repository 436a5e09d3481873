/**
 * What an inbound SMS changes: SMSOptOuts items, the DriverProfiles mirror (`sms_opted_out_at`,
 * `sms_consent`), audit entries, and the one confirmation text. `applyInboundKeyword` is pure;
 * `handleInboundSms` reads and writes through the store (2 reads, ≤3 bulk writes).
 */
import type { ConsentRecord } from '../../collections/common';
import type { Carrier, DriverProfile } from '../../collections/people';
import type { SMSOptOut } from '../../collections/sms';
import type { OptOutSource } from '../../collections/vocabulary';
import { eventAuditEntry } from './audit';
import { optOutStateOf } from './blocks';
import { classifyInboundMessage, type InboundClassification } from './keywords';
import type { ComplianceStore, DataRequests, InboundChanges } from './ports';
import { helpReply, optInConfirmation, optOutConfirmation } from './replies';
import type { AuditEntry } from './types';

export type InboundCarrier = Pick<Carrier, 'carrier_dot' | 'name' | 'main_phone' | 'website_url'>;

export type InboundEffect = 'opted_out' | 'already_opted_out' | 'opted_in' | 'not_opted_out' | 'help' | 'none';

export interface InboundInput {
  readonly carrier: InboundCarrier;
  /** The sender's phone (E.164). Stored, never logged. */
  readonly phone: string;
  readonly text: string;
  readonly now: Date;
  /** Drivers with this phone: of this carrier, plus other carriers' for a STOPALL. */
  readonly drivers: readonly DriverProfile[];
  /** Every SMSOptOuts item of the phone. */
  readonly optOuts: readonly SMSOptOut[];
  readonly messageId?: string | null;
}

export interface InboundOutcome extends InboundChanges {
  readonly classification: InboundClassification;
  readonly effect: InboundEffect;
  /** The one text to send back, or null. */
  readonly reply: string | null;
}

/** The deterministic `_id` of a phone's opt-out record for a scope (one per phone and scope). */
export function optOutId(phone: string, scope: string): string {
  return `${phone}|${scope}`;
}

/** The SMSOptOuts item that opts `phone` out of `carrierDot` (or `all`), reusing an existing item's `_id`. */
export function optOutRecordFor(input: {
  readonly phone: string;
  readonly carrierDot: string | 'all';
  readonly driverId: string | null;
  readonly now: Date;
  readonly source: OptOutSource;
  readonly message?: string | null;
  readonly needsReview?: boolean;
  readonly existing?: SMSOptOut;
}): SMSOptOut {
  return {
    ...(input.existing ?? {}),
    _id: input.existing?._id ?? optOutId(input.phone, input.carrierDot),
    phone_number: input.phone,
    driver_id: input.driverId ?? input.existing?.driver_id ?? null,
    carrier_dot: input.carrierDot,
    opted_out_at: input.now,
    opt_out_source: input.source,
    opt_out_message: input.message ?? null,
    needs_review: input.needsReview ?? false,
    resubscribed: false,
    resubscribed_at: null,
  };
}

const NOTHING = { optOuts: [], drivers: [], audit: [] } as const;

function revoked(consent: ConsentRecord | null, now: Date): ConsentRecord | null {
  if (consent === null || consent.granted !== true || consent.revoked_at) return consent;
  return { ...consent, granted: false, revoked_at: now };
}

function optOut(input: InboundInput, c: Extract<InboundClassification, { kind: 'opt_out' | 'revocation' }>): InboundOutcome {
  const { carrier, phone, now } = input;
  const scope = c.kind === 'opt_out' ? c.scope : 'carrier';
  const scopeDot = scope === 'all' ? 'all' : carrier.carrier_dot;
  const all = input.optOuts.find((r) => r.carrier_dot === 'all' && r.phone_number === phone);
  const already =
    scope === 'all'
      ? all !== undefined && !all.resubscribed && input.optOuts.every((r) => r.carrier_dot === 'all' || optOutStateOf(input.optOuts, phone, r.carrier_dot).optedOut)
      : optOutStateOf(input.optOuts, phone, carrier.carrier_dot).optedOut;
  if (already) return { classification: c, effect: 'already_opted_out', reply: null, ...NOTHING };

  const affected = input.drivers.filter((d) => d.phone === phone && (scope === 'all' || d.carrier_dot === carrier.carrier_dot));
  const source: OptOutSource = c.kind === 'opt_out' ? 'STOP_keyword' : 'free_text';
  const needsReview = c.kind === 'revocation';
  const existing = input.optOuts.find((r) => r.carrier_dot === scopeDot && r.phone_number === phone);
  const record = optOutRecordFor({ phone, carrierDot: scopeDot, driverId: affected[0]?._id ?? null, now, source, message: input.text.slice(0, 500), needsReview, ...(existing ? { existing } : {}) });
  const rule = c.kind === 'revocation' ? 'opt_out.free_text' : scope === 'all' ? 'opt_out.keyword_all' : 'opt_out.keyword';
  const evidence: Record<string, string> = c.kind === 'revocation' ? { phrase: c.phrase, scope } : { keyword: c.keyword, scope };
  const reason =
    c.kind === 'revocation' ? `Free-text revocation "${c.phrase}" honoured as an opt-out; flagged for review` : `Opt-out keyword ${c.keyword} (${scope === 'all' ? 'every carrier' : 'this carrier'})`;
  const audit: AuditEntry[] = [];
  const entry = (driver: DriverProfile | null, decision: 'opt_out' | 'consent_revoked' | 'flagged_for_review', text: string): AuditEntry =>
    eventAuditEntry({ decision, carrierDot: driver?.carrier_dot ?? scopeDot, driverId: driver?._id ?? null, address: phone, channel: 'sms', rule, reason: text, at: now, messageId: input.messageId ?? null, details: evidence });

  const drivers = affected.map((d) => {
    audit.push(entry(d, 'opt_out', reason));
    const consent = revoked(d.sms_consent, now);
    if (consent !== d.sms_consent) audit.push(entry(d, 'consent_revoked', 'SMS consent revoked by the opt-out'));
    if (needsReview) audit.push(entry(d, 'flagged_for_review', `Confirm that "${input.text.slice(0, 160)}" is a revocation`));
    return { ...d, sms_opted_out_at: now, sms_consent: consent };
  });
  if (affected.length === 0) {
    audit.push(entry(null, 'opt_out', reason));
    if (needsReview) audit.push(entry(null, 'flagged_for_review', `Confirm that "${input.text.slice(0, 160)}" is a revocation`));
  }
  return { classification: c, effect: 'opted_out', reply: optOutConfirmation(carrier.name, scope), optOuts: [record], drivers, audit };
}

function optIn(input: InboundInput, c: Extract<InboundClassification, { kind: 'opt_in' }>): InboundOutcome {
  const { carrier, phone, now } = input;
  const ownDrivers = input.drivers.filter((d) => d.phone === phone && d.carrier_dot === carrier.carrier_dot);
  const listed = optOutStateOf(input.optOuts, phone, carrier.carrier_dot).optedOut;
  const mirrored = ownDrivers.some((d) => d.sms_opted_out_at);
  if (!listed && !mirrored) {
    // YES from a driver who never opted out is an ordinary reply ("yes, I'm interested").
    return { classification: c.keyword === 'YES' ? { kind: 'message' } : c, effect: c.keyword === 'YES' ? 'none' : 'not_opted_out', reply: null, ...NOTHING };
  }
  const own = input.optOuts.find((r) => r.carrier_dot === carrier.carrier_dot && r.phone_number === phone);
  const all = input.optOuts.find((r) => r.carrier_dot === 'all' && r.phone_number === phone && !r.resubscribed);
  const optOuts: SMSOptOut[] = [];
  if (own) optOuts.push({ ...own, resubscribed: true, resubscribed_at: now });
  else if (all) {
    // Opted in to this carrier after a STOPALL: a resubscribed carrier record overrides the `all` one here only.
    optOuts.push({ ...optOutRecordFor({ phone, carrierDot: carrier.carrier_dot, driverId: ownDrivers[0]?._id ?? null, now: all.opted_out_at, source: all.opt_out_source }), resubscribed: true, resubscribed_at: now });
  }
  const consent: ConsentRecord = { granted: true, source: 'sms_keyword', captured_at: now, text_version: `keyword:${c.keyword}`, ...(input.messageId ? { source_detail: input.messageId } : {}), revoked_at: null };
  const audit: AuditEntry[] = [];
  const drivers = ownDrivers.map((d) => {
    const base = { carrierDot: d.carrier_dot, driverId: d._id, address: phone, channel: 'sms' as const, at: now, messageId: input.messageId ?? null, details: { keyword: c.keyword } };
    audit.push(eventAuditEntry({ ...base, decision: 'opt_in', rule: 'opt_in.keyword', reason: `Opt-in keyword ${c.keyword}` }));
    audit.push(eventAuditEntry({ ...base, decision: 'consent_granted', rule: 'consent.sms_keyword', reason: `SMS consent granted by replying ${c.keyword}` }));
    return { ...d, sms_opted_out_at: null, sms_consent: consent };
  });
  if (ownDrivers.length === 0) {
    audit.push(eventAuditEntry({ decision: 'opt_in', carrierDot: carrier.carrier_dot, driverId: null, address: phone, channel: 'sms', rule: 'opt_in.keyword', reason: `Opt-in keyword ${c.keyword}`, at: now, messageId: input.messageId ?? null }));
  }
  return { classification: c, effect: 'opted_in', reply: optInConfirmation(carrier.name), optOuts, drivers, audit };
}

/** Pure: classifies the text and computes every change it causes. */
export function applyInboundKeyword(input: InboundInput): InboundOutcome {
  const c = classifyInboundMessage(input.text);
  switch (c.kind) {
    case 'opt_out':
    case 'revocation':
      return optOut(input, c);
    case 'opt_in':
      return optIn(input, c);
    case 'help':
      return { classification: c, effect: 'help', reply: helpReply(input.carrier), ...NOTHING };
    case 'message':
      return { classification: c, effect: 'none', reply: null, ...NOTHING };
  }
}

/**
 * Reads the phone's opt-outs and drivers (2 reads; only for keywords and revocations), applies the
 * keyword and writes the changes. The caller sends `reply` (if any) right away.
 */
export async function handleInboundSms(input: Omit<InboundInput, 'drivers' | 'optOuts'>, store: ComplianceStore): Promise<InboundOutcome & { readonly dataRequests: DataRequests }> {
  const c = classifyInboundMessage(input.text);
  if (c.kind === 'message' || c.kind === 'help') return { ...applyInboundKeyword({ ...input, drivers: [], optOuts: [] }), dataRequests: { reads: 0, writes: 0 } };
  const scope = c.kind === 'opt_out' && c.scope === 'all' ? 'all' : input.carrier.carrier_dot;
  const [optOuts, drivers] = await Promise.all([store.findOptOutsForPhone(input.phone), store.findDriversByPhone({ phone: input.phone, carrierDot: scope })]);
  const outcome = applyInboundKeyword({ ...input, drivers: drivers.drivers, optOuts: optOuts.records });
  const written = outcome.optOuts.length + outcome.drivers.length + outcome.audit.length > 0 ? await store.applyInboundChanges(outcome) : { writes: 0 };
  return { ...outcome, dataRequests: { reads: optOuts.reads + drivers.reads, writes: written.writes } };
}
