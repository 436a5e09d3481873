/**
 * The send gate: what makes a pause take effect at once. The sender asks it before every provider
 * call; it answers "open" only while the newest completed read of the campaign's status found it
 * sending and STARTED less than `STATUS_CHECK_MS` ago. Past 70% of that interval a new read (one
 * data request, shared by all concurrent sends) starts in the background; past 100% sends wait for
 * it. Once a read has seen the campaign paused, archived or moved to another run it stays closed.
 *
 * The other half is in `pauseSMSCampaign`: after writing `paused` it waits `PAUSE_SETTLE_MS`
 * (> STATUS_CHECK_MS) before it returns. Any provider call after that instant would need a status
 * read started after the pause was written, which sees `paused`: nothing is sent after the pause
 * returns, while a fast campaign costs about one status read per second of sending.
 */
import type { SMSCampaign } from '../collections/sms';
import { campaigns } from './records';

export const STATUS_CHECK_MS = 1000;
/** Share of the interval after which a read is started ahead, without holding up sends. */
const REFRESH_AHEAD = 0.7;
/** How long `pauseSMSCampaign` waits after its write when a sender may be mid-wave. */
export const PAUSE_SETTLE_MS = STATUS_CHECK_MS + 250;

export interface SendGate {
  /**
   * True when the next provider call may go out: answered at once while the last status read is
   * fresh (no promise per message), as a promise when a read is due.
   */
  open(): boolean | Promise<boolean>;
  /** False once a read has seen the campaign stop (no read). */
  readonly closed: boolean;
}

/** The campaign fields a gate reads (SMS and email campaigns share them). */
export type GateCampaign = Pick<SMSCampaign, 'status' | 'archived_at' | 'run_number'>;

/** Whether a stored campaign still lets run `run` send. */
export function sendsOn(campaign: GateCampaign | null, run: number): boolean {
  return campaign !== null && campaign.status === 'active' && !campaign.archived_at && (campaign.run_number ?? 0) === run;
}

/**
 * `read` loads the campaign's status (one data request); default: the SMS campaign. Email campaigns
 * pass their own (src/backend/email/sender.ts).
 */
export function createSendGate(input: { campaignId: string; run: number; intervalMs?: number; monotonicMs?: () => number; read?: (campaignId: string) => Promise<GateCampaign | null> }): SendGate {
  const readCampaign = input.read ?? ((id: string): Promise<GateCampaign | null> => campaigns().get(id));
  const interval = input.intervalMs ?? STATUS_CHECK_MS;
  const monotonic = input.monotonicMs ?? ((): number => performance.now());
  /** When the newest read that has completed (and found the campaign sending) started. */
  let confirmedAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<boolean> | null = null;
  let closed = false;
  const read = (): Promise<boolean> => {
    const startedAt = monotonic();
    reading = (async () => {
      try {
        const fresh = await readCampaign(input.campaignId);
        if (!sendsOn(fresh, input.run)) closed = true;
        else confirmedAt = Math.max(confirmedAt, startedAt);
        return !closed;
      } finally {
        reading = null;
      }
    })();
    return reading;
  };
  return {
    get closed() {
      return closed;
    },
    open() {
      if (closed) return false;
      const age = monotonic() - confirmedAt;
      if (age < interval) {
        // Refreshed ahead (in the background) so sends rarely wait for the read; a failed
        // background read only means the next send past the interval reads again.
        if (age >= interval * REFRESH_AHEAD && !reading) void read().catch(() => undefined);
        return true;
      }
      return reading ?? read();
    },
  };
}

/** Waits out the gates' re-read interval: called after writing a stop (pause, archive) of a sending campaign. */
export function waitForSendGates(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PAUSE_SETTLE_MS));
}
