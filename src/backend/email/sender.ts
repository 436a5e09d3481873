/**
 * Sends one email campaign for as long as the run's budget allows: unconfirmed requests resolved
 * first (unconfirmed.ts), then emails a killed or refused run left `pending`, then held emails
 * that are due, then the audience from where the run stopped. Each wave (≤ 1000 drivers) is one
 * compliance pass, one bulk insert of the records BEFORE the call, one `queued` patch, ONE Mail Send
 * request (behind the send gate, so a pause takes effect at once), one patch with SendGrid's id.
 * Waves are pipelined: the next one is decided and written while the current one is on the wire,
 * and a sent wave is recorded while the next is on the wire; a run never ends with a call running.
 */
import type { EmailCampaign } from '../collections/email';
import { createComplianceStore } from '../adapters/complianceStore';
import { driverSourceAdapter } from '../adapters/driverSource';
import { streamAudience, WAVE_DRIVER_FIELDS, type AudiencePorts, type ComplianceStore, type WaveDriver } from '../outreach';
import { now as clockNow } from '../platform';
import { createSendGate } from '../sms/gate';
import { createComposer, runPrefix } from './compose';
import { jitteredBackoff, realSleep } from './deliver';
import { finishSlice, type SliceOutcome } from './lifecycle';
import type { EmailProvider } from './provider';
import { emailCampaigns, emailMessages, findCarrier, findJob, findRecruiter } from './records';
import { resolveUnconfirmed } from './unconfirmed';
import { EmailWaveSender, type DeliveredWave, type PreparedWave } from './wave';
import { observed } from '../util/lists';

export interface EmailSenderOptions {
  readonly provider: EmailProvider;
  /** Public site URL: one-click unsubscribe links point at it. */
  readonly publicBaseUrl: string;
  readonly unsubscribeSecret: string;
  /** True once the run's time budget is used up (checked before every wave). */
  readonly outOfTime: () => boolean;
  /** Called before every wave (the job extends its lease here; LeaseLostError stops the run). */
  readonly heartbeat?: () => Promise<void>;
  /** Recipients per wave and request, 1–1000 (default 1000). */
  readonly waveSize?: number;
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly backoffMs?: (attempt: number) => number;
  readonly compliance?: ComplianceStore;
  readonly audience?: AudiencePorts;
}

export interface EmailSliceReport {
  readonly campaignId: string;
  readonly outcome: SliceOutcome;
  readonly sent: number;
  readonly failed: number;
  readonly held: number;
  readonly blocked: number;
  readonly unconfirmed: number;
  readonly waves: number;
  /** Mail Send calls made (retries included). */
  readonly requests: number;
}

class EmailCampaignSender {
  constructor(
    readonly waves: EmailWaveSender,
    private readonly options: EmailSenderOptions,
    readonly campaign: EmailCampaign,
    readonly waveSize: number,
  ) {}

  /** Before each wave: budget, lease, and the send gate (a status read at most once a second). */
  async mayContinue(): Promise<SliceOutcome | null> {
    if (this.options.outOfTime()) return 'out_of_time';
    if (this.options.heartbeat) await this.options.heartbeat();
    return (await this.waves.gate.open()) ? null : 'paused';
  }

  /** Stored emails in `status`, wave by wave, decided again and sent (left pending, or held and due). */
  async sendStored(status: 'pending' | 'held'): Promise<SliceOutcome | null> {
    for (;;) {
      const at = clockNow();
      const due = await emailMessages().find(
        (q) => (status === 'held' ? q.eq('campaign_id', this.campaign._id).eq('status', 'held').le('send_after', at).ascending('send_after') : q.eq('campaign_id', this.campaign._id).eq('status', 'pending')),
        { limit: this.waveSize },
      );
      if (due.length === 0) return null;
      const stop = await this.mayContinue();
      if (stop) return stop;
      const prepared = await this.waves.prepareStored(due);
      await this.waves.record(await this.waves.deliver(prepared));
      const after = this.waves.stopAfterWave();
      if (after) return after;
      if (due.length < this.waveSize) return null;
    }
  }

  /**
   * Where this run's audience stream resumes: after the highest driver id a record of this run was
   * written for (one read; the stream is in driver-id order and records are written wave by wave).
   */
  async resumeCursor(): Promise<string | null> {
    const prefix = runPrefix(this.campaign._id, this.waves.run);
    const [last] = await emailMessages().find((q) => q.eq('campaign_id', this.campaign._id).ge('_id', prefix).lt('_id', `${prefix}\uffff`).isNotEmpty('driver_id').descending('driver_id'), { limit: 1 });
    return last?.driver_id ?? null;
  }
}

/**
 * The audience waves, pipelined. Whatever ends the loop (done, paused, out of time, an error), the
 * wave in flight is finished and recorded before this returns or throws.
 */
async function sendAudience(sender: EmailCampaignSender, pages: AsyncIterable<{ readonly drivers: readonly WaveDriver[] }>): Promise<{ stop: SliceOutcome | null; done: boolean }> {
  const waves = sender.waves;
  let delivering: Promise<DeliveredWave | null> | null = null;
  let recording: Promise<void> = Promise.resolve();
  /** A wave that could not be recorded stops the run (its emails are resolved by the next one). */
  let recordFailure: { error: unknown } | null = null;
  const queueRecord = (delivered: DeliveredWave | null): void => {
    recording = recording.then(() => waves.record(delivered)).catch((error: unknown) => void (recordFailure ??= { error }));
  };
  /** Waits for the wave in flight and queues its recording; then says whether to stop. */
  const settle = async (): Promise<SliceOutcome | null> => {
    if (delivering) {
      const delivered = await delivering;
      delivering = null;
      queueRecord(delivered);
      // A refusal of the account is known only once recorded.
      if (delivered?.outcome.kind === 'refused') await recording;
    }
    if (recordFailure) throw recordFailure.error;
    return waves.stopAfterWave();
  };
  let stop: SliceOutcome | null = null;
  try {
    for await (const page of pages) {
      stop = await sender.mayContinue();
      if (stop) break;
      const prepared: PreparedWave = await waves.prepare(page.drivers);
      stop = await settle();
      if (stop) {
        // Never sent: held (paused) or left pending (refused) for the next run, decided again then.
        await recording;
        if (stop === 'paused') await waves.record({ wave: prepared, outcome: { kind: 'unsent', pending: prepared.records.map((_, i) => i), refused: [], attempts: 0 }, requestId: '', at: clockNow() });
        break;
      }
      delivering = observed(waves.deliver(prepared));
    }
    stop = stop ?? (await settle());
    await recording;
    if (recordFailure) throw (recordFailure as { error: unknown }).error;
  } finally {
    // An error ends the run: still never leave a call running or a sent wave unrecorded.
    if (delivering) {
      const delivered = await (delivering as Promise<DeliveredWave | null>).catch(() => null);
      if (delivered) queueRecord(delivered);
    }
    await recording;
  }
  return { stop, done: stop === null };
}

/** Sends one campaign until it is done for now, paused, or out of budget; then records where it stands. */
export async function sendEmailCampaignSlice(campaignId: string, options: EmailSenderOptions): Promise<EmailSliceReport> {
  const campaign = await emailCampaigns().get(campaignId);
  const empty = { campaignId, sent: 0, failed: 0, held: 0, blocked: 0, unconfirmed: 0, waves: 0, requests: 0 };
  if (!campaign || campaign.status !== 'active' || campaign.archived_at) return { ...empty, outcome: 'not_sendable' };
  const carrier = await findCarrier(campaign.carrier_dot);
  if (!carrier) return { ...empty, outcome: 'not_sendable' };
  const [recruiter, job] = await Promise.all([findRecruiter(carrier.carrier_dot, campaign.created_by_member_id), findJob(carrier.carrier_dot, campaign.job_posting_id)]);
  const composer = createComposer({ campaign, carrier, recruiter, job, publicBaseUrl: options.publicBaseUrl, unsubscribeSecret: options.unsubscribeSecret });
  const run = campaign.run_number ?? 0;
  const gate = createSendGate({ campaignId, run, read: (id) => emailCampaigns().get(id) });
  const waveSize = Math.max(1, Math.min(1000, options.waveSize ?? 1000));
  const retry = { maxAttempts: options.maxAttempts ?? 5, sleep: options.sleep ?? realSleep, backoffMs: options.backoffMs ?? jitteredBackoff(500, 8_000) };
  const waves = new EmailWaveSender(options.provider, composer, options.compliance ?? createComplianceStore(), gate, retry, run, runPrefix(campaignId, run));
  const sender = new EmailCampaignSender(waves, options, campaign, waveSize);

  const unconfirmed = await resolveUnconfirmed({ campaignId, carrierDot: carrier.carrier_dot, now: clockNow() });
  let stop = (await sender.sendStored('pending')) ?? (await sender.sendStored('held'));
  let audienceDone = campaign.audience_done === true;
  if (!stop && !audienceDone) {
    const after = await sender.resumeCursor();
    const pages = streamAudience(options.audience ?? driverSourceAdapter(), {
      carrierDot: campaign.carrier_dot,
      filter: campaign.audience_filter,
      now: clockNow(),
      channel: 'email',
      pageSize: waveSize,
      fields: WAVE_DRIVER_FIELDS,
      ...(after ? { after } : {}),
    });
    const streamed = await sendAudience(sender, pages);
    stop = streamed.stop;
    audienceDone = streamed.done;
  }
  const unconfirmedAt = [unconfirmed.nextCheckAt, waves.unconfirmedAt].reduce<Date | null>((a, b) => (a === null ? b : b === null ? a : a < b ? a : b), null);
  const outcome = await finishSlice({ campaignId, stop, audienceDone, run, unconfirmedAt });
  return { campaignId, outcome, ...waves.tally };
}
