/**
 * Sends one campaign for as long as the run's budget allows: due held messages first, then the
 * audience from where the run stopped. Per wave (≤1000 drivers): one status read (pause takes
 * effect here), one compliance pass, one bulk insert of the records BEFORE any provider call, the
 * provider calls, one bulk status update, one ContactEvents insert and one DriverProfiles update.
 */
import type { Carrier, DriverProfile } from '../collections/people';
import type { SMSCampaign, SMSMessage } from '../collections/sms';
import { createComplianceStore } from '../adapters/complianceStore';
import { driverSourceAdapter } from '../adapters/driverSource';
import { decideContactBatch, streamAudience, type AudiencePorts, type ComplianceStore, type ContactDecision } from '../outreach';
import { now as clockNow } from '../platform';
import { composeMessage, runPrefix, type NewSmsMessage } from './compose';
import { createPacer, deliverWave, jitteredBackoff, realSleep, type DeliveryOptions, type OutboundSms } from './deliver';
import { applyDeliveryEffects } from './effects';
import { campaigns, driversByIds, findCarrier, messages, messagesByIds, applyDelivery } from './records';
import { finishSlice } from './lifecycle';
import type { SmsProvider } from './provider';

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
  /** Seconds of sending per wave at the campaign rate (bounds how long a pause may take). */
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

class CampaignSender {
  readonly tally: Tally = { sent: 0, failed: 0, held: 0, blocked: 0, waves: 0 };
  private readonly delivery: DeliveryOptions;
  readonly waveSize: number;

  constructor(
    private readonly options: SenderOptions,
    readonly campaign: SMSCampaign,
    readonly carrier: Carrier,
    private readonly compliance: ComplianceStore,
  ) {
    const sleep = options.sleep ?? realSleep;
    this.delivery = {
      concurrency: options.concurrency ?? 20,
      maxAttempts: options.maxAttempts ?? 5,
      sleep,
      backoffMs: options.backoffMs ?? jitteredBackoff(250, 4_000),
      pacer: createPacer({ perMinute: campaign.rate_limit, senderPerSecond: options.senderPerSecond ?? null, sleep }),
    };
    this.waveSize = waveSizeFor(campaign.rate_limit, options.waveSeconds ?? 5);
  }

  get run(): number {
    return this.campaign.run_number ?? 0;
  }

  /** Before each wave: budget, lease, and the campaign's status as pause/resume last wrote it (one read). */
  async mayContinue(): Promise<SliceOutcome | null> {
    if (this.options.outOfTime()) return 'out_of_time';
    if (this.options.heartbeat) await this.options.heartbeat();
    const fresh = await campaigns().get(this.campaign._id);
    if (!fresh || fresh.status !== 'active' || fresh.archived_at) return 'paused';
    return null;
  }

  private decide(drivers: readonly DriverProfile[]): Promise<{ decisions: ContactDecision[] }> {
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

  /** Sends records already written as `sending`; `reconcile` ids were left `sending` by an earlier run. */
  private async sendAndRecord(records: readonly SMSMessage[], reconcile: ReadonlySet<string>, at: Date): Promise<void> {
    if (records.length === 0) return;
    const deliveries = await deliverWave({
      provider: this.options.provider,
      messages: records.map((r) => this.outbound(r, at)),
      reconcile,
      options: this.delivery,
      // Rare path (a lookup after a kill or a timeout): one read per candidate sid.
      recordedElsewhere: async (sid) => (await messages().count((q) => q.eq('twilio_sid', sid))) > 0,
    });
    const done = new Date(clockNow().getTime());
    const updated = records.map((record, i) => {
      const delivery = deliveries[i];
      return delivery ? applyDelivery(record, delivery, done) : record;
    });
    await messages().bulkUpdate(updated);
    for (const u of updated) {
      if (u.status === 'failed') this.tally.failed += 1;
      else this.tally.sent += 1;
    }
    await applyDeliveryEffects({ carrier: this.carrier, campaignId: this.campaign._id, updated, compliance: this.compliance, at: done });
  }

  /** One audience page: decide, write every record (sendable ones as `sending`), send, record. */
  async sendPage(drivers: readonly DriverProfile[]): Promise<void> {
    this.tally.waves += 1;
    const at = clockNow();
    const { decisions } = await this.decide(drivers);
    const byId = new Map<string, NewSmsMessage>();
    drivers.forEach((driver, i) => {
      const decision = decisions[i] ?? { action: 'block', rule: 'contact.phone_missing', reason: 'no decision' };
      const record = composeMessage({ campaign: this.campaign, carrier: this.carrier, driver, decision, run: this.run, now: at });
      // Ids are per phone: of two profiles with the same phone in this wave, the more sendable one keeps the record.
      const kept = byId.get(record._id);
      if (!kept || sendRank(record) < sendRank(kept)) byId.set(record._id, record.status === 'pending' ? { ...record, status: 'sending', attempted_at: at } : record);
    });
    const composed = [...byId.values()];
    const inserted = await messages().bulkInsert(composed);
    const insertedIds = new Set(inserted.insertedItemIds);
    const fresh = composed.filter((r) => insertedIds.has(r._id)) as SMSMessage[];
    // Ids that already existed: a killed run wrote them. Their stored state decides, never the new one.
    const existing = composed.length === insertedIds.size ? [] : await messagesByIds(composed.filter((r) => !insertedIds.has(r._id)).map((r) => r._id));
    const leftSending = existing.filter((m) => m.status === 'sending' || m.status === 'pending');
    for (const r of fresh) {
      if (r.status === 'held') this.tally.held += 1;
      if (r.status === 'blocked') this.tally.blocked += 1;
    }
    const toSend = [...fresh.filter((r) => r.status === 'sending'), ...leftSending.map((m) => ({ ...m, status: 'sending' as const, attempted_at: m.attempted_at ?? at }))];
    await this.sendAndRecord(toSend, new Set(leftSending.map((m) => m._id)), at);
  }

  /** Records a killed run left `sending`: looked up at the provider, sent only if they never arrived. */
  async finishLeftSending(): Promise<SliceOutcome | null> {
    for (;;) {
      const left = await messages().find((q) => q.eq('campaign_id', this.campaign._id).eq('status', 'sending'), { limit: 1000 });
      if (left.length === 0) return null;
      const stop = await this.mayContinue();
      if (stop) return stop;
      const at = clockNow();
      await this.sendAndRecord(left, new Set(left.map((m) => m._id)), at);
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
      await this.sendAndRecord(sending, new Set(), at);
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
      ...(after ? { after } : {}),
    });
    audienceDone = true;
    for await (const page of pages) {
      stop = await sender.mayContinue();
      if (stop) {
        audienceDone = false;
        break;
      }
      await sender.sendPage(page.drivers);
    }
  }
  const outcome = await finishSlice({ campaignId, stop, audienceDone, run: sender.run });
  return { campaignId, outcome, ...sender.tally };
}
