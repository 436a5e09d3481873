/**
 * The batch form of `decideContact`: ≤1000 drivers, one read for opt-outs, one read for contact
 * events, one bulk write of audit entries — whatever the batch size. Decisions come back in input
 * order and equal what `decideContact` returns for each driver with the same data.
 */
import type { SendWindow } from '../../collections/common';
import type { ContactChannel } from '../../collections/vocabulary';
import { auditEntryForDecision } from './audit';
import { assertCampaignCaps, evaluateContact } from './decide';
import type { ComplianceStore, ContactEventQuery, DataRequests } from './ports';
import {
  DAY_MS,
  STATE_CAP_CHANNELS,
  type AuditEntry,
  type CampaignCaps,
  type ContactDecision,
  type ContactEvent,
  type DecisionCarrier,
  type DecisionDriver,
  type OptOutRecord,
} from './types';
import { groupBy } from '../../util/lists';

export const MAX_BATCH_SIZE = 1000;

export interface ContactBatchInput {
  readonly channel: ContactChannel;
  readonly carrier: DecisionCarrier;
  readonly drivers: readonly DecisionDriver[];
  readonly now: Date;
  readonly sendWindow?: SendWindow | null;
  readonly campaignId?: string | null;
  readonly campaignCaps?: CampaignCaps | null;
}

export interface ContactBatchData {
  /** Opt-outs of the batch's phones (any extra records are ignored). */
  readonly optOuts: readonly OptOutRecord[];
  /** Contact events of the batch's drivers (any extra events are ignored). */
  readonly events: readonly ContactEvent[];
}

export interface ContactBatchDecisions {
  readonly decisions: ContactDecision[];
  /** One entry per hold and block, in input order. */
  readonly audit: AuditEntry[];
}

export interface ContactBatchResult extends ContactBatchDecisions {
  readonly dataRequests: DataRequests;
}

const NO_OPT_OUTS: readonly OptOutRecord[] = Object.freeze([]);

/** Pure: decides every driver of the batch against data already read. */
export function decideContactBatchWith(input: ContactBatchInput, data: ContactBatchData): ContactBatchDecisions {
  if (input.drivers.length > MAX_BATCH_SIZE) throw new RangeError(`A batch holds at most ${MAX_BATCH_SIZE} drivers`);
  assertCampaignCaps(input.campaignCaps);
  const optOutsByPhone = groupBy(data.optOuts, (r) => r.phone_number);
  const eventsByDriver = groupBy<Pick<ContactEvent, 'channel' | 'at' | 'campaign_id'> & { driver_id?: string }>(data.events, (e) => e.driver_id ?? '');
  const decisions: ContactDecision[] = [];
  const audit: AuditEntry[] = [];
  for (const driver of input.drivers) {
    const events = eventsByDriver.get(driver._id) ?? [];
    const evaluation = evaluateContact({
      channel: input.channel,
      driver,
      carrier: input.carrier,
      now: input.now,
      sendWindow: input.sendWindow ?? null,
      history: { events },
      optOuts: driver.phone === null ? NO_OPT_OUTS : (optOutsByPhone.get(driver.phone) ?? NO_OPT_OUTS),
      campaignId: input.campaignId ?? null,
      campaignCaps: input.campaignCaps ?? null,
    });
    decisions.push(evaluation.decision);
    if (evaluation.decision.action === 'send') {
      // A driver listed twice in one batch is contacted once: the first send counts for the second.
      events.push({ channel: input.channel, at: input.now, campaign_id: input.campaignId ?? null });
      if (!eventsByDriver.has(driver._id)) eventsByDriver.set(driver._id, events);
      continue;
    }
    const entry = auditEntryForDecision(evaluation, {
      channel: input.channel,
      carrierDot: input.carrier.carrier_dot,
      driver,
      now: input.now,
      campaignId: input.campaignId ?? null,
    });
    if (entry) audit.push(entry);
  }
  return { decisions, audit };
}

/** Which contact events the caps of this batch count (null: none, skip the read). */
export function contactEventQueryFor(input: ContactBatchInput): ContactEventQuery | null {
  const now = input.now.getTime();
  const recent =
    input.channel === 'email' ? null : { channels: [...STATE_CAP_CHANNELS], since: new Date(now - DAY_MS) };
  const campaign =
    input.campaignId && input.campaignCaps ? { id: input.campaignId, since: new Date(now - input.campaignCaps.perDays * DAY_MS) } : null;
  if (recent === null && campaign === null) return null;
  return {
    carrierDot: input.carrier.carrier_dot,
    driverIds: [...new Set(input.drivers.map((d) => d._id))],
    recent,
    campaign,
  };
}

function phonesToCheck(input: ContactBatchInput): string[] {
  if (input.channel === 'email') return [];
  const phones = new Set<string>();
  for (const d of input.drivers) if (d.phone !== null && d.phone_valid) phones.add(d.phone);
  return [...phones];
}

/**
 * Reads what the batch needs (≤1 opt-out query, ≤1 contact-event query), decides, and writes the
 * hold/block audit entries in one bulk insert. Returns the decisions and the data requests spent.
 */
export async function decideContactBatch(input: ContactBatchInput, store: ComplianceStore): Promise<ContactBatchResult> {
  if (input.drivers.length > MAX_BATCH_SIZE) throw new RangeError(`A batch holds at most ${MAX_BATCH_SIZE} drivers`);
  assertCampaignCaps(input.campaignCaps);
  if (input.drivers.length === 0) return { decisions: [], audit: [], dataRequests: { reads: 0, writes: 0 } };
  const phones = phonesToCheck(input);
  const eventQuery = contactEventQueryFor(input);
  const [optOuts, events] = await Promise.all([
    phones.length > 0 ? store.findOptOuts({ carrierDot: input.carrier.carrier_dot, phones }) : { records: [], reads: 0 },
    eventQuery ? store.findContactEvents(eventQuery) : { events: [], reads: 0 },
  ]);
  const result = decideContactBatchWith(input, { optOuts: optOuts.records, events: events.events });
  const written = result.audit.length > 0 ? await store.writeAuditEntries(result.audit) : { writes: 0 };
  return { ...result, dataRequests: { reads: optOuts.reads + events.reads, writes: written.writes } };
}
