/**
 * Sends one campaign for as long as the run's budget allows: records a killed run left `sending`,
 * due held messages, then the audience from where the run stopped. Per wave (≤1000 drivers): one
 * compliance pass, one bulk insert of the records BEFORE any provider call, the provider calls (each
 * behind the send gate, so a pause takes effect at once), one bulk status update, one ContactEvents
 * insert and one `last_sms_at` bulk patch. Audience waves are pipelined: the next wave is decided
 * and written while the current one is being sent, and a sent wave is recorded while the next one
 * is being sent; a run never ends with provider calls still running.
 */
import type { Carrier, DriverProfile } from '../collections/people';
import type { SMSCampaign, SMSMessage } from '../collections/sms';
import { createComplianceStore } from '../adapters/complianceStore';
import { driverSourceAdapter } from '../adapters/driverSource';
import { decideContactBatch, streamAudience, WAVE_DRIVER_FIELDS, type AudiencePorts, type ComplianceStore, type ContactDecision, type WaveDriver } from '../outreach';
import { now as clockNow } from '../platform';
import { composeMessage, runPrefix, type NewSmsMessage } from './compose';
import { createPacer, createSlots, deliverWave, jitteredBackoff, realSleep, type Delivery, type DeliveryOptions, type OutboundSms } from './deliver';
import { applyDeliveryEffects } from './effects';
import { createSendGate, type SendGate } from './gate';
import { driversByIds, findCarrier, messages, messagesByIds, applyDelivery, campaigns } from './records';
import { finishSlice } from './lifecycle';
import type { SmsProvider } from './provider';
import { observed } from '../util/lists';

export interface SenderOptions {
  readonly provider: SmsProvider;
  /** Public site URL for StatusCallbacks; null: statuses come from reconciliation only. */
  readonly publicBaseUrl: string | null;
  /** True once the run's time budget is used up (checked before every wave). */
  readonly outOfTime: () => boolean;
  /** Called before every wave (the job extends its lease here; LeaseLostError stops the run). */
  readonly heartbeat?: () => Promise<void>;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  /** Sender throughput in messages/second (Twilio queues beyond it); null: no limit of our own. */
  readonly senderPerSecond?: number | null;
  /** Seconds of sending per wave at the campaign rate. */
  readonly waveSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly backoffMs?: (attempt: number) => number;
  readonly compliance?: ComplianceStore;
  readonly audience?: AudiencePorts;
}

export type SliceOutcome = 'completed' | 'rescheduled' | 'waiting_for_held' | 'paused' | 'out_of_time' | 'not_sendable';

export interface SliceReport {
  readonly campaignId: string;
  readonly outcome: SliceOutcome;
  readonly sent: number;
  readonly failed: number;
  readonly held: number;
  readonly blocked: number;
  readonly waves: number;
}

const MAX_WAVE = 1000;
const MIN_WAVE = 50;

export function waveSizeFor(rateLimitPerMinute: number, waveSeconds: number): number {
  return Math.max(1, Math.min(MAX_WAVE, Math.max(MIN_WAVE, Math.floor((rateLimitPerMinute / 60) * waveSeconds))));
}

export function statusCallbackUrl(publicBaseUrl: string, messageId: string): string {
  return `${publicBaseUrl}/_functions/twilio/status?m=${encodeURIComponent(messageId)}`;
}

/** pending/sending < held < anything else: which of two records for one phone to keep. */
function sendRank(record: Pick<NewSmsMessage, 'status'>): number {
  return record.status === 'pending' || record.status === 'sending' ? 0 : record.status === 'held' ? 1 : 2;
}

interface Tally {
  sent: number;
  failed: number;
  held: number;
  blocked: number;
  waves: number;
}

/** A wave written and ready to send: the records (as `sending`) and those an earlier run left `sending`. */
interface PreparedWave {
  readonly records: SMSMessage[];
  readonly reconcile: ReadonlySet<string>;
  readonly at: Date;
}

interface DeliveredWave {
  readonly records: readonly SMSMessage[];
  readonly deliveries: readonly Delivery[];
}

class CampaignSender {
  readonly tally: Tally = { sent: 0, failed: 0, held: 0, blocked: 0, waves: 0 };
  private readonly delivery: DeliveryOptions;
  readonly waveSize: number;
  readonly gate: SendGate;
  /** Ids of records this run has written as `sending` and not yet recorded (the pipelined waves). */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly options: SenderOptions,
    readonly campaign: SMSCampaign,
    readonly carrier: Carrier,
    private readonly compliance: ComplianceStore,
  ) {
    const sleep = options.sleep ?? realSleep;
    this.gate = createSendGate({ campaignId: campaign._id, run: campaign.run_number ?? 0 });
    this.delivery = {
      concurrency: options.concurrency ?? 20,
      maxAttempts: options.maxAttempts ?? 5,
      sleep,
      backoffMs: options.backoffMs ?? jitteredBackoff(250, 4_000),
      pacer: createPacer({ perMinute: campaign.rate_limit, senderPerSecond: options.senderPerSecond ?? null, sleep }),
      gate: this.gate,
      slots: createSlots(options.concurrency ?? 20),
    };
    this.waveSize = waveSizeFor(campaign.rate_limit, options.waveSeconds ?? 5);
  }

  get run(): number {
    return this.campaign.run_number ?? 0;
  }

  /** Before each wave: budget, lease, and the send gate (a status read at most once a second). */
  async mayContinue(): Promise<SliceOutcome | null> {
    if (this.options.outOfTime()) return 'out_of_time';
    if (this.options.heartbeat) await this.options.heartbeat();
    return (await this.gate.open()) ? null : 'paused';
  }

  private decide(drivers: readonly WaveDriver[]): Promise<{ decisions: ContactDecision[] }> {
    return decideContactBatch(
      {
        channel: 'sms',
        carrier: this.carrier,
        drivers,
        now: clockNow(),
        sendWindow: this.campaign.send_window,
        campaignId: this.campaign._id,
        // Spec §8.2: at most one SMS per driver per day per campaign.
        campaignCaps: { maxPerDriver: 1, perDays: 1 },
      },
      this.compliance,
    );
  }

  private outbound(message: Pick<SMSMessage, '_id' | 'phone_number' | 'message_body' | 'attempted_at'>, at: Date): OutboundSms {
    const tracking = this.campaign.status_tracking ?? 'callbacks';
    return {
      id: message._id,
      to: message.phone_number,
      body: message.message_body,
      statusCallback: tracking === 'callbacks' && this.options.publicBaseUrl ? statusCallbackUrl(this.options.publicBaseUrl, message._id) : null,
      attemptedAt: message.attempted_at ?? at,
    };
  }

  /** Provider calls for records already written as `sending`; `reconcile` ids are looked up first. */
  async deliver(wave: PreparedWave, onDispatched?: () => void): Promise<DeliveredWave> {
    if (wave.records.length === 0) {
      onDispatched?.();
      return { records: [], deliveries: [] };
    }
    const deliveries = await deliverWave({
      provider: this.options.provider,
      messages: wave.records.map((r) => this.outbound(r, wave.at)),
      reconcile: wave.reconcile,
      options: this.delivery,
      // Rare path (a lookup after a kill or a timeout): one read per candidate sid.
      recordedElsewhere: async (sid) => (await messages().count((q) => q.eq('twilio_sid', sid))) > 0,
      ...(onDispatched ? { onDispatched } : {}),
    });
    return { records: wave.records, deliveries };
  }

  /** A wave on the wire: `dispatched` once its last message has started, `done` once every call ended. */
  startDelivery(wave: PreparedWave): { readonly dispatched: Promise<void>; readonly done: Promise<DeliveredWave> } {
    let signal: () => void = () => undefined;
    const dispatched = new Promise<void>((resolve) => {
      signal = resolve;
    });
    const done = observed(this.deliver(wave, signal));
    // An aborted wave never signals; its error is what the caller sees.
    return { dispatched: Promise.race([dispatched, done.then(() => undefined)]), done };
  }

  /** One bulk status update for a delivered wave, then its ContactEvents and driver effects. */
  async record(wave: DeliveredWave): Promise<void> {
    if (wave.records.length === 0) return;
    const done = clockNow();
    const updated = wave.records.map((record, i) => {
      const delivery = wave.deliveries[i];
      return delivery ? applyDelivery(record, delivery, done) : record;
    });
    await messages().bulkUpdate(updated);
    for (const r of wave.records) this.inFlight.delete(r._id);
    for (const u of updated) {
      if (u.status === 'failed') this.tally.failed += 1;
      else if (u.status === 'held') this.tally.held += 1;
      else this.tally.sent += 1;
    }
    await applyDeliveryEffects({ carrier: this.carrier, campaignId: this.campaign._id, updated, compliance: this.compliance, at: done });
  }

  private async sendAndRecord(wave: PreparedWave): Promise<void> {
    await this.record(await this.deliver(wave));
  }

  /** One audience page: decide, write every record (sendable ones as `sending`); nothing is sent yet. */
  async prepare(drivers: readonly WaveDriver[]): Promise<PreparedWave> {
    this.tally.waves += 1;
    const at = clockNow();
    const { decisions } = await this.decide(drivers);
    const byId = new Map<string, NewSmsMessage>();
    drivers.forEach((driver, i) => {
      const decision = decisions[i] ?? { action: 'block', rule: 'contact.phone_missing', reason: 'no decision' };
      const record = composeMessage({ campaign: this.campaign, carrier: this.carrier, driver, decision, run: this.run, now: at });
      if (record.status === 'pending') {
        record.status = 'sending';
        record.attempted_at = at;
      }
      // Ids are per phone: of two profiles with the same phone in this wave, the more sendable one keeps the record.
      const kept = byId.get(record._id);
      if (!kept || sendRank(record) < sendRank(kept)) byId.set(record._id, record);
    });
    const composed = [...byId.values()];
    const inserted = new Set((await messages().bulkInsert(composed)).insertedItemIds);
    const records: SMSMessage[] = [];
    const skipped: string[] = [];
    for (const r of composed) {
      // An id a pipelined wave of this run holds (a phone shared by two profiles) is that wave's to send.
      if (!inserted.has(r._id)) {
        if (!this.inFlight.has(r._id)) skipped.push(r._id);
      }
      else if (r.status === 'sending') records.push(r as SMSMessage);
      else if (r.status === 'held') this.tally.held += 1;
      else if (r.status === 'blocked') this.tally.blocked += 1;
    }
    // Ids that already existed: a killed run wrote them. Their stored state decides, never the new one.
    const leftSending = skipped.length === 0 ? [] : (await messagesByIds(skipped)).filter((m) => m.status === 'sending' || m.status === 'pending');
    for (const m of leftSending) records.push({ ...m, status: 'sending', attempted_at: m.attempted_at ?? at });
    for (const r of records) this.inFlight.add(r._id);
    return { records, reconcile: new Set(leftSending.map((m) => m._id)), at };
  }

  /**
   * A prepared wave the gate closed on before it was sent: its new records are held for the resume
   * (one write). Records an earlier run left `sending` stay so: the next run looks them up first.
   */
  async holdUnsent(wave: PreparedWave): Promise<void> {
    const unsent = wave.records.filter((r) => !wave.reconcile.has(r._id));
    await this.record({ records: unsent, deliveries: unsent.map((r) => ({ id: r._id, outcome: 'unsent', attempts: 0 })) });
  }

  /** Records a killed run left `sending`: looked up at the provider, sent only if they never arrived. */
  async finishLeftSending(): Promise<SliceOutcome | null> {
    for (;;) {
      const left = await messages().find((q) => q.eq('campaign_id', this.campaign._id).eq('status', 'sending'), { limit: 1000 });
      if (left.length === 0) return null;
      const stop = await this.mayContinue();
      if (stop) return stop;
      await this.sendAndRecord({ records: left, reconcile: new Set(left.map((m) => m._id)), at: clockNow() });
      if (this.gate.closed) return 'paused';
    }
  }

  /** Held messages whose time has come: decided again, then sent, re-held or blocked. */
  async sendDueHeld(): Promise<SliceOutcome | null> {
    for (;;) {
      const at = clockNow();
      const due = await messages().find((q) => q.eq('campaign_id', this.campaign._id).eq('status', 'held').le('send_after', at).ascending('send_after'), { limit: this.waveSize });
      if (due.length === 0) return null;
      const stop = await this.mayContinue();
      if (stop) return stop;
      this.tally.waves += 1;
      const found = new Map((await driversByIds(due.map((m) => m.driver_id ?? ''))).map((d) => [d._id, d]));
      const known = due.filter((m) => m.driver_id && found.has(m.driver_id));
      const { decisions } = await this.decide(known.map((m) => found.get(m.driver_id ?? '') as DriverProfile));
      const changed: SMSMessage[] = due.filter((m) => !known.includes(m)).map((m) => ({ ...m, status: 'blocked', compliance_rule: 'driver.removed', compliance_reason: 'The driver record no longer exists', status_updated_at: at }));
      const sending: SMSMessage[] = [];
      known.forEach((m, i) => {
        const d = decisions[i];
        if (!d) return;
        switch (d.action) {
          case 'send':
            sending.push({ ...m, status: 'sending', attempted_at: at, compliance_rule: null, compliance_reason: null, status_updated_at: at });
            return;
          case 'hold':
            changed.push({ ...m, send_after: d.until, compliance_rule: d.rule, compliance_reason: d.reason, status_updated_at: at });
            return;
          case 'block':
            changed.push({ ...m, status: 'blocked', compliance_rule: d.rule, compliance_reason: d.reason, status_updated_at: at });
            return;
        }
      });
      await messages().bulkUpdate([...changed, ...sending]);
      await this.sendAndRecord({ records: sending, reconcile: new Set(), at });
      if (this.gate.closed) return 'paused';
      if (due.length < this.waveSize) return null;
    }
  }

  /**
   * Where this run's audience stream resumes: after the highest driver id a record of this run was
   * written for (one read; the stream is in driver-id order, records are written wave by wave).
   * Drivers re-streamed from there whose phone already has a record are skipped by the insert.
   */
  async resumeCursor(): Promise<string | null> {
    const prefix = runPrefix(this.campaign._id, this.run);
    const [last] = await messages().find((q) => q.eq('campaign_id', this.campaign._id).ge('_id', prefix).lt('_id', `${prefix}\uffff`).isNotEmpty('driver_id').descending('driver_id'), { limit: 1 });
    return last?.driver_id ?? null;
  }
}

/**
 * The next audience page decided and written, why the run stops before it, or `end`. The page's
 * drivers are referenced only here: once written, a wave waiting for its turn on the wire holds
 * its message records, not the driver profiles they came from.
 */
async function prepareNext(sender: CampaignSender, iterator: AsyncIterator<{ readonly drivers: readonly WaveDriver[] }>): Promise<PreparedWave | SliceOutcome | 'end'> {
  const next = await iterator.next();
  if (next.done === true) return 'end';
  const stop = await sender.mayContinue();
  return stop ?? sender.prepare(next.value.drivers);
}

/**
 * The audience waves, pipelined: wave N+1 is decided and written while wave N is being sent, starts
 * on the wire as soon as wave N's last message has started (the two share the sender's bound on
 * calls in flight, so no wave drains the pipe before the next fills it), and wave N is recorded once
 * its calls have ended, in wave order. Whatever ends the loop (done, paused, out of time, an error),
 * the waves in flight are finished and recorded before this returns or throws.
 */
async function sendAudience(sender: CampaignSender, pages: AsyncIterable<{ readonly drivers: readonly WaveDriver[] }>): Promise<{ stop: SliceOutcome | null; done: boolean }> {
  let delivering: ReturnType<CampaignSender['startDelivery']> | null = null;
  let recording: Promise<void> = Promise.resolve();
  /** Waits until the wave on the wire has started its last call and queues its recording; false when the gate closed. */
  /** The first error of a wave on the wire: the next settle stops the run with it. */
  let failure: { readonly error: unknown } | null = null;
  const settle = async (): Promise<boolean> => {
    if (delivering) {
      const { dispatched, done } = delivering;
      delivering = null;
      done.catch((error: unknown) => {
        failure ??= { error };
      });
      recording = observed(recording.then(async () => sender.record(await done)));
      await dispatched;
    }
    if (failure) throw failure.error;
    return !sender.gate.closed;
  };
  let stop: SliceOutcome | null = null;
  let done = true;
  const iterator = pages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await prepareNext(sender, iterator);
      if (next === 'end') break;
      if (typeof next === 'string') {
        stop = next;
        break;
      }
      const prepared = next;
      if (!(await settle())) {
        stop = 'paused';
        await recording;
        await sender.holdUnsent(prepared);
        break;
      }
      delivering = sender.startDelivery(prepared);
    }
    if (!(await settle())) stop = 'paused';
    await recording;
  } finally {
    // An error ends the run: still never leave provider calls running or a sent wave unrecorded.
    if (delivering) {
      const { done: last } = delivering as { done: Promise<DeliveredWave> };
      recording = recording.then(async () => sender.record(await last));
    }
    await recording.catch(() => undefined);
    // The audience stream is closed whatever ended the loop (a finished stream ignores this).
    await iterator.return?.();
  }
  if (stop) done = false;
  return { stop, done };
}

/** Sends one campaign until it is done for now, paused, or out of budget; then records where it stands. */
export async function sendCampaignSlice(campaignId: string, options: SenderOptions): Promise<SliceReport> {
  const campaign = await campaigns().get(campaignId);
  const empty = { campaignId, sent: 0, failed: 0, held: 0, blocked: 0, waves: 0 };
  if (!campaign || campaign.status !== 'active' || campaign.archived_at) return { ...empty, outcome: 'not_sendable' };
  const carrier = await findCarrier(campaign.carrier_dot);
  if (!carrier) return { ...empty, outcome: 'not_sendable' };
  const sender = new CampaignSender(options, campaign, carrier, options.compliance ?? createComplianceStore());
  let stop = (await sender.finishLeftSending()) ?? (await sender.sendDueHeld());
  let audienceDone = campaign.audience_done === true;
  if (!stop && !audienceDone) {
    const after = await sender.resumeCursor();
    const pages = streamAudience(options.audience ?? driverSourceAdapter(), {
      carrierDot: campaign.carrier_dot,
      filter: campaign.audience_filter,
      now: clockNow(),
      channel: 'sms',
      pageSize: sender.waveSize,
      fields: WAVE_DRIVER_FIELDS,
      ...(after ? { after } : {}),
    });
    const streamed = await sendAudience(sender, pages);
    stop = streamed.stop;
    audienceDone = streamed.done;
  }
  const outcome = await finishSlice({ campaignId, stop, audienceDone, run: sender.run });
  return { campaignId, outcome, ...sender.tally };
}
