/**
 * Pause and resume, the same for every channel's campaigns: field-level writes under a condition on
 * the stored status (a concurrent change is never overwritten: CONFLICT instead), and a pause of a
 * sending campaign waits out the send gates' re-read interval, so nothing is sent once it returns.
 */
import type { CampaignStatus } from '../collections/vocabulary';
import { now as clockNow } from '../platform';
import type { WixDataFilter } from '../platform/data';
import { UserFacingError } from '../service';
import { waitForSendGates } from '../sms/gate';

export interface TransitionFields {
  readonly status: 'paused' | 'active' | 'scheduled';
  readonly paused_at: Date | null;
  readonly next_run_at?: Date | null;
}

/** The channel's conditional field-level campaign write (null when the condition no longer held). */
export type PatchWhile = (campaignId: string, fields: TransitionFields, when: (f: WixDataFilter) => WixDataFilter) => Promise<unknown>;

interface Transitioning {
  readonly _id: string;
  readonly status: CampaignStatus;
  readonly started_at?: Date | null | undefined;
  readonly scheduled_time?: Date | null | undefined;
}

export async function pauseCampaign(campaign: Transitioning, patchWhile: PatchWhile): Promise<void> {
  if (campaign.status === 'paused') return;
  const paused = await patchWhile(campaign._id, { status: 'paused', paused_at: clockNow() }, (f) => f.hasSome('status', ['active', 'scheduled']));
  if (!paused) throw new UserFacingError('This campaign finished or changed state meanwhile; reload it.', 'CONFLICT');
  if (campaign.status === 'active') await waitForSendGates();
}

/** Back to `active` now, or to `scheduled` when it never started and its time is still ahead. */
export async function resumeCampaign(campaign: Transitioning, patchWhile: PatchWhile): Promise<void> {
  const at = clockNow();
  const notStarted = !campaign.started_at && campaign.scheduled_time && campaign.scheduled_time.getTime() > at.getTime();
  const resumed = await patchWhile(campaign._id, { status: notStarted ? 'scheduled' : 'active', paused_at: null, next_run_at: notStarted ? (campaign.scheduled_time ?? at) : at }, (f) => f.eq('status', 'paused').isEmpty('archived_at'));
  if (!resumed) throw new UserFacingError('This campaign changed state meanwhile; reload it.', 'CONFLICT');
}
