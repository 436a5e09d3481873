/**
 * `decideContact`: send, hold until an instant, or block — synchronous and pure. Order: hard blocks
 * (tenant, contact data, opt-outs, suppression, consent), then frequency caps, then the contact
 * window in the recipient's candidate zones and states.
 */
import { NoContactWindowError, checkContactWindow, type RecipientLocation, type WindowCheck, type WindowCheckInput } from '../contactWindow';
import { recipientLocation } from '../location';
import { hardBlock } from './blocks';
import { capHold, type CapHold } from './caps';
import { MAX_CAMPAIGN_CAP_DAYS, type CampaignCaps, type ContactDecision, type DecideContactInput, type HoldDecision } from './types';

/** A decision with what the audit trail records about it. */
export interface ContactEvaluation {
  readonly decision: ContactDecision;
  /** Where the recipient may be (absent for hard blocks, which need no location). */
  readonly location: RecipientLocation | null;
  /** Rule evidence for the audit entry. */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

export function assertCampaignCaps(caps: CampaignCaps | null | undefined): void {
  if (!caps) return;
  if (!Number.isInteger(caps.maxPerDriver) || caps.maxPerDriver < 1) throw new RangeError('campaignCaps.maxPerDriver must be a positive integer');
  if (!Number.isFinite(caps.perDays) || caps.perDays <= 0 || caps.perDays > MAX_CAMPAIGN_CAP_DAYS) {
    throw new RangeError(`campaignCaps.perDays must be in (0, ${MAX_CAMPAIGN_CAP_DAYS}]`);
  }
}

class WindowNeverOpen extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function checkWindow(input: WindowCheckInput): WindowCheck {
  try {
    return checkContactWindow(input);
  } catch (error) {
    if (error instanceof NoContactWindowError) throw new WindowNeverOpen(error.message);
    throw error;
  }
}

function holdForCap(input: DecideContactInput, location: RecipientLocation, cap: CapHold): ContactEvaluation {
  // The cap frees up at `cap.until`; if the window is closed then, hold on to its next opening.
  const atRelease = checkWindow({ now: cap.until, channel: input.channel, location, sendWindow: input.sendWindow ?? null });
  const until = atRelease.allowed ? cap.until : atRelease.nextAllowedAt;
  const reason = atRelease.allowed ? cap.reason : `${cap.reason}; then ${atRelease.reason}`;
  const decision: HoldDecision = { action: 'hold', rule: cap.rule, until, reason };
  return { decision, location, details: { counted: cap.counted, cap_release_at: cap.until.toISOString() } };
}

/** The decision and its audit evidence; `location` may be passed in when the caller already has it. */
export function evaluateContact(input: DecideContactInput, knownLocation?: RecipientLocation): ContactEvaluation {
  try {
    return evaluate(input, knownLocation);
  } catch (error) {
    if (!(error instanceof WindowNeverOpen)) throw error;
    return { decision: { action: 'block', rule: 'window.never_open', reason: error.reason }, location: knownLocation ?? null, details: {} };
  }
}

function evaluate(input: DecideContactInput, knownLocation?: RecipientLocation): ContactEvaluation {
  const blocked = hardBlock(input);
  if (blocked) return { decision: blocked, location: null, details: {} };
  const location = knownLocation ?? recipientLocation(input.driver);
  const cap = capHold(input, location.states);
  if (cap) return holdForCap(input, location, cap);
  const window = checkWindow({ now: input.now, channel: input.channel, location, sendWindow: input.sendWindow ?? null });
  if (window.allowed) return { decision: { action: 'send' }, location, details: {} };
  return {
    decision: { action: 'hold', rule: `window:${window.rule}`, until: window.nextAllowedAt, reason: window.reason },
    location,
    details: {},
  };
}

/**
 * Decides one contact right before it is made. Pass `optOuts` (SMSOptOuts records of the driver's
 * phone) and `history` (the driver's ContactEvents) when known; the DriverProfiles mirrors
 * (`sms_opted_out_at`, `last_sms_at`, `last_voicemail_at`) are always taken into account.
 */
export function decideContact(input: DecideContactInput): ContactDecision {
  assertCampaignCaps(input.campaignCaps);
  return evaluateContact(input).decision;
}
