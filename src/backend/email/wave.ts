/**
 * One campaign's waves: decide (suppressions + compliance in one pass), write the records, hand
 * the wave to SendGrid in ONE Mail Send request, record the answer. Data requests per full wave of
 * 1000: suppressions read 1, audit ≤ 1 write, records bulkInsert 1, `queued` bulkPatch 1 (written
 * before the call), answer bulkPatch 1, ContactEvents bulkInsert 1, `last_email_at` bulkPatch 1
 * (plus the audience page read and the send gate's status read, in sender.ts).
 */
import type { EmailMessage } from '../collections/email';
import type { Carrier, DriverProfile } from '../collections/people';
import { decideContactBatch, type ComplianceStore, type ContactDecision, type WaveDriver } from '../outreach';
import { now as clockNow } from '../platform';
import type { SendGate } from '../sms/gate';
import { composeEmail, personalizationFor, requestFor, type EmailComposer, type NewEmailMessage } from './compose';
import { deliverRequest, type RequestRetryOptions, type WaveOutcome } from './deliver';
import type { SliceOutcome } from './lifecycle';
import type { EmailPersonalization, EmailProvider } from './provider';
import { driverProfiles, driversByIds, emailMessages, patchEmailMessages, type EmailMessageFields } from './records';
import { activeSuppressionsOf } from './suppressionRecords';
import { CONFIRM_AFTER_MS } from './unconfirmed';
import { groupBy } from '../util/lists';

export const PAUSED_RULE = 'campaign.paused';
/** Calls a record may take in all (across runs) before 429s / unreachable fail it for good. */
export const MAX_TOTAL_ATTEMPTS = 10;

export interface Tally {
  sent: number;
  failed: number;
  held: number;
  blocked: number;
  unconfirmed: number;
  waves: number;
  requests: number;
}

/** Records written and ready to send, with their personalizations (same order). */
export interface PreparedWave {
  readonly records: readonly Pick<EmailMessage, '_id' | 'driver_id' | 'attempts'>[];
  readonly personalizations: readonly EmailPersonalization[];
}

export interface DeliveredWave {
  readonly wave: PreparedWave;
  readonly outcome: WaveOutcome;
  readonly requestId: string;
  readonly at: Date;
}

let requestSeq = 0;

/** Unique per call: the campaign's run prefix, the time and a per-process sequence. */
function newRequestId(runPrefix: string, at: Date): string {
  requestSeq = (requestSeq + 1) % 1_000_000;
  return `${runPrefix}q${at.getTime().toString(36)}-${requestSeq.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** pending < held < blocked: which of two records for one address in a wave to keep. */
function sendRank(record: Pick<NewEmailMessage, 'status'>): number {
  return record.status === 'pending' ? 0 : record.status === 'held' ? 1 : 2;
}

export class EmailWaveSender {
  readonly tally: Tally = { sent: 0, failed: 0, held: 0, blocked: 0, unconfirmed: 0, waves: 0, requests: 0 };
  /** Earliest time an unconfirmed request of this run can be resolved. */
  unconfirmedAt: Date | null = null;
  /** Set when SendGrid refused the credentials or sender (401 / 403): the slice stops. */
  refusedByProvider = false;

  constructor(
    private readonly provider: EmailProvider,
    readonly composer: EmailComposer,
    private readonly compliance: ComplianceStore,
    readonly gate: SendGate,
    private readonly retry: RequestRetryOptions,
    readonly run: number,
    private readonly runPrefix: string,
  ) {}

  get carrier(): Carrier {
    return this.composer.carrier;
  }

  /**
   * Suppressed addresses (EmailSuppressions, one read for the wave) folded into the drivers, then one
   * compliance pass: a suppression counts from the moment its item is written, before the DriverProfiles
   * mirror follows (suppressionEffects.ts).
   */
  async decide(drivers: readonly WaveDriver[], at: Date): Promise<ContactDecision[]> {
    const suppressed = await activeSuppressionsOf(this.carrier.carrier_dot, drivers.flatMap((d) => (d.email ? [d.email] : [])));
    const seen = suppressed.size === 0 ? drivers : drivers.map((d) => {
      const active = d.email ? suppressed.get(d.email.trim().toLowerCase()) : undefined;
      return active && !d.email_suppressed_reason ? { ...d, email_suppressed_reason: active.reason } : d;
    });
    const { decisions } = await decideContactBatch(
      { channel: 'email', carrier: this.carrier, drivers: seen, now: at, sendWindow: this.composer.campaign.send_window ?? null, campaignId: this.composer.campaign._id },
      this.compliance,
    );
    return decisions;
  }

  /** One audience page: decide, write every record (sendable ones `pending`); nothing is sent yet. */
  async prepare(drivers: readonly WaveDriver[]): Promise<PreparedWave> {
    this.tally.waves += 1;
    const at = clockNow();
    const decisions = await this.decide(drivers, at);
    const byId = new Map<string, { record: NewEmailMessage; personalization: EmailPersonalization | null }>();
    drivers.forEach((driver, i) => {
      const decision: ContactDecision = decisions[i] ?? { action: 'block', rule: 'contact.email_missing', reason: 'no decision' };
      const composed = composeEmail({ composer: this.composer, driver, decision, run: this.run });
      const kept = byId.get(composed.record._id);
      if (!kept || sendRank(composed.record) < sendRank(kept.record)) byId.set(composed.record._id, composed);
    });
    const composed = [...byId.values()];
    const inserted = new Set((await emailMessages().bulkInsert(composed.map((c) => c.record))).insertedItemIds);
    const records: PreparedWave['records'][number][] = [];
    const personalizations: EmailPersonalization[] = [];
    for (const { record, personalization } of composed) {
      // An id that already existed was written by an earlier run or wave (a shared address): that record decides.
      if (!inserted.has(record._id)) continue;
      if (record.status === 'pending' && personalization) {
        records.push({ _id: record._id, driver_id: record.driver_id ?? null, attempts: 0 });
        personalizations.push(personalization);
      } else if (record.status === 'held') this.tally.held += 1;
      else this.tally.blocked += 1;
    }
    return { records, personalizations };
  }

  /**
   * Stored records to send again (held and due, or left `pending` by a killed or refused run):
   * their drivers re-read and decided again. Returns the sendable part; the rest is written now.
   */
  async prepareStored(stored: readonly EmailMessage[]): Promise<PreparedWave> {
    this.tally.waves += 1;
    const at = clockNow();
    const found = new Map((await driversByIds([...new Set(stored.flatMap((m) => (m.driver_id ? [m.driver_id] : [])))])).map((d) => [d._id, d]));
    const known = stored.filter((m) => {
      const d = m.driver_id ? found.get(m.driver_id) : undefined;
      return d !== undefined && (d.email ?? '').toLowerCase() === m.email_address.toLowerCase();
    });
    const decisions = await this.decide(known.map((m) => found.get(m.driver_id ?? '') as DriverProfile), at);
    const changed: EmailMessage[] = stored.filter((m) => !known.includes(m)).map((m) => ({ ...m, status: 'blocked', compliance_rule: 'driver.address_changed', compliance_reason: 'The driver record is gone or no longer has this address' }));
    const records: PreparedWave['records'][number][] = [];
    const personalizations: EmailPersonalization[] = [];
    known.forEach((m, i) => {
      const d = decisions[i];
      const driver = found.get(m.driver_id ?? '');
      if (!d || !driver) return;
      switch (d.action) {
        case 'send': {
          const built = personalizationFor(this.composer, { driver, email: m.email_address, messageId: m._id });
          if (built.ok) {
            // Written `queued` by deliver() right before the call.
            records.push(m);
            personalizations.push(built.personalization);
          } else changed.push({ ...m, status: 'blocked', compliance_rule: 'template.missing_value', compliance_reason: built.reason });
          return;
        }
        case 'hold':
          changed.push({ ...m, status: 'held', send_after: d.until, compliance_rule: d.rule, compliance_reason: d.reason });
          return;
        case 'block':
          changed.push({ ...m, status: 'blocked', compliance_rule: d.rule, compliance_reason: d.reason });
          return;
      }
    });
    if (changed.length > 0) await emailMessages().bulkUpdate(changed);
    for (const c of changed) {
      if (c.status === 'held') this.tally.held += 1;
      if (c.status === 'blocked') this.tally.blocked += 1;
    }
    return { records, personalizations };
  }

  /** `queued` written before the call (one request), then ONE Mail Send request for the wave. */
  async deliver(wave: PreparedWave): Promise<DeliveredWave | null> {
    if (wave.records.length === 0) return null;
    const at = clockNow();
    const requestId = newRequestId(this.runPrefix, at);
    await patchEmailMessages(wave.records.map((r) => r._id), { status: 'queued', request_id: requestId, attempted_at: at, compliance_rule: null, compliance_reason: null });
    const outcome = await deliverRequest({ provider: this.provider, request: requestFor(this.composer, []), personalizations: wave.personalizations, options: { ...this.retry, gate: this.gate } });
    this.tally.requests += outcome.attempts;
    return { wave, outcome, requestId, at };
  }

  /** Patches `fields` on the records at `indexes`, grouped by prior attempts (the count adds up). */
  private async patchAt(wave: PreparedWave, indexes: readonly number[], attempts: number, fields: EmailMessageFields): Promise<void> {
    const records = indexes.flatMap((i) => (wave.records[i] ? [wave.records[i]] : []));
    for (const [prior, group] of groupBy(records, (r) => String(r.attempts ?? 0))) {
      await patchEmailMessages(group.map((r) => r._id), { ...fields, attempts: Number(prior) + attempts });
    }
  }

  /** The answer, recorded: accepted emails get SendGrid's id; refusals fail with SendGrid's reason; the rest wait or go back. */
  async record(delivered: DeliveredWave | null): Promise<void> {
    if (!delivered) return;
    const { wave, outcome, at } = delivered;
    const done = clockNow();
    const all = wave.records.map((_, i) => i);
    const refusedIndexes = new Set(outcome.refused.map((r) => r.index));
    for (const [reason, group] of groupBy(outcome.refused, (r) => r.reason)) {
      await this.patchAt(wave, group.map((r) => r.index), outcome.attempts, { status: 'failed', error_code: String(group[0]?.status ?? 400), error_message: reason.slice(0, 1000) });
    }
    this.tally.failed += outcome.refused.length;
    const rest = all.filter((i) => !refusedIndexes.has(i));
    switch (outcome.kind) {
      case 'sent':
        await this.patchAt(wave, outcome.accepted, outcome.attempts, { sendgrid_id: outcome.messageId, sent_at: done, error_code: null, error_message: null });
        this.tally.sent += outcome.accepted.length;
        await this.recordContacts(outcome.accepted.flatMap((i) => (wave.records[i] ? [wave.records[i]] : [])), done);
        return;
      case 'refused': {
        // Credentials or sender identity refused: nothing is wrong with these emails; they wait for the fix.
        if (outcome.status === 401 || outcome.status === 403) {
          this.refusedByProvider = true;
          await this.patchAt(wave, rest, outcome.attempts, { status: 'pending', request_id: null, error_code: String(outcome.status), error_message: outcome.reason.slice(0, 1000) });
          return;
        }
        await this.patchAt(wave, rest, outcome.attempts, { status: 'failed', error_code: String(outcome.status ?? 'refused'), error_message: outcome.reason.slice(0, 1000) });
        this.tally.failed += rest.length;
        return;
      }
      case 'gave_up': {
        const [spent, retry] = [rest.filter((i) => (wave.records[i]?.attempts ?? 0) + outcome.attempts >= MAX_TOTAL_ATTEMPTS), rest.filter((i) => (wave.records[i]?.attempts ?? 0) + outcome.attempts < MAX_TOTAL_ATTEMPTS)];
        await this.patchAt(wave, spent, outcome.attempts, { status: 'failed', error_code: outcome.code, error_message: outcome.reason.slice(0, 1000) });
        await this.patchAt(wave, retry, outcome.attempts, { status: 'pending', request_id: null, error_code: outcome.code, error_message: outcome.reason.slice(0, 1000) });
        this.tally.failed += spent.length;
        return;
      }
      case 'unconfirmed': {
        // May have been accepted: stays `queued` without `sent_at` until SendGrid's events decide (unconfirmed.ts).
        await this.patchAt(wave, outcome.pending, outcome.attempts, { error_code: outcome.code, error_message: outcome.reason.slice(0, 1000) });
        this.tally.unconfirmed += outcome.pending.length;
        const checkAt = new Date(at.getTime() + CONFIRM_AFTER_MS);
        if (this.unconfirmedAt === null || checkAt < this.unconfirmedAt) this.unconfirmedAt = checkAt;
        return;
      }
      case 'unsent':
        // Paused before the call: held for the resume, which decides them again.
        await this.patchAt(wave, outcome.pending, outcome.attempts, { status: 'held', request_id: null, send_after: done, compliance_rule: PAUSED_RULE, compliance_reason: 'The campaign was paused before this email was sent' });
        this.tally.held += outcome.pending.length;
        return;
    }
  }

  /** ContactEvents (history, caps) and the drivers' `last_email_at` mirror (audience filters): one write each. */
  private async recordContacts(sent: readonly Pick<EmailMessage, '_id' | 'driver_id'>[], at: Date): Promise<void> {
    const withDriver = sent.filter((m) => m.driver_id);
    const campaignId = this.composer.campaign._id;
    await this.compliance.recordContacts(withDriver.map((m) => ({ carrier_dot: this.carrier.carrier_dot, driver_id: m.driver_id ?? '', channel: 'email' as const, at, campaign_id: campaignId, message_id: m._id })));
    const drivers = [...new Set(withDriver.map((m) => m.driver_id ?? ''))];
    // No hook derives anything from last_email_at: hooks are skipped.
    if (drivers.length > 0) await driverProfiles().bulkPatch(drivers, { last_email_at: at }, { suppressHooks: true });
  }

  /** After a wave: whether the slice must stop (paused, or SendGrid refused the account). */
  stopAfterWave(): SliceOutcome | null {
    if (this.refusedByProvider) return 'provider_refused';
    return this.gate.closed ? 'paused' : null;
  }
}
