/**
 * The compliance engine's vocabulary: decisions, the rule ids that explain them, contact history
 * and campaign caps. Pure types — no platform imports.
 */
import type { SendWindow } from '../../collections/common';
import type { Carrier, ComplianceAuditEntry, DriverProfile } from '../../collections/people';
import type { SMSOptOut } from '../../collections/sms';
import type { ContactChannel, UsJurisdiction } from '../../collections/vocabulary';

/** States whose mini-TCPA caps contacts at 3 per rolling 24 h across calls and texts (ref §3.2). */
export const THREE_PER_DAY_STATES = ['FL', 'OK', 'MD'] as const satisfies readonly UsJurisdiction[];
export type ThreePerDayState = (typeof THREE_PER_DAY_STATES)[number];

/** Channels the state 3-per-24 h caps count: calls, prerecorded calls (RVM) and texts. */
export const STATE_CAP_CHANNELS = ['sms', 'voicemail', 'call'] as const satisfies readonly ContactChannel[];

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest campaign-cap period the batch query will read back (bounds the events read). */
export const MAX_CAMPAIGN_CAP_DAYS = 90;

/** Rules that block a contact outright. */
export type BlockRule =
  | 'tenant.mismatch'
  | 'carrier.inactive'
  | 'contact.phone_missing'
  | 'contact.phone_invalid'
  | 'contact.landline'
  | 'contact.email_missing'
  | 'contact.email_invalid'
  | 'opt_out.driver'
  | 'opt_out.carrier'
  | 'opt_out.all'
  | 'internal_dnc.voice_revoked'
  | 'email.suppressed'
  | 'consent.missing'
  | 'consent.refused'
  | 'consent.revoked'
  | 'consent.no_provenance'
  /** The campaign send window and the legal windows never overlap (e.g. no days selected). */
  | 'window.never_open';

/** Rules that hold a contact until a rolling window frees up. */
export type CapRule = 'cap.sms_daily' | `cap.state_24h.${ThreePerDayState | 'unknown_state'}` | 'cap.campaign';

/** Contact-window rules are the window module's ids (e.g. `state:FL:hours`), prefixed `window:`. */
export type WindowRule = `window:${string}`;

export type DecisionRule = BlockRule | CapRule | WindowRule;

export type ContactDecision =
  | { readonly action: 'send' }
  | { readonly action: 'hold'; readonly until: Date; readonly reason: string; readonly rule: CapRule | WindowRule }
  | { readonly action: 'block'; readonly reason: string; readonly rule: BlockRule };

export type HoldDecision = Extract<ContactDecision, { action: 'hold' }>;
export type BlockDecision = Extract<ContactDecision, { action: 'block' }>;

/** One contact actually made (a ContactEvents item, or the part the engine needs of it). */
export interface ContactEvent {
  readonly driver_id: string;
  readonly channel: ContactChannel;
  readonly at: Date;
  readonly campaign_id?: string | null;
}

/** A driver's recent contacts (any order). Events outside the windows the caps look at are ignored. */
export interface ContactHistory {
  readonly events: readonly Pick<ContactEvent, 'channel' | 'at' | 'campaign_id'>[];
}

/** At most `maxPerDriver` contacts of this campaign per driver in any rolling `perDays` days. */
export interface CampaignCaps {
  readonly maxPerDriver: number;
  /** Rolling period in days (1–90). */
  readonly perDays: number;
}

/** The SMSOptOuts fields the engine reads. */
export type OptOutRecord = Pick<SMSOptOut, 'phone_number' | 'carrier_dot' | 'opted_out_at' | 'resubscribed' | 'resubscribed_at'>;

export const DECISION_DRIVER_FIELDS = [
  'carrier_dot',
  'phone',
  'phone_valid',
  'phone_line_type',
  'email',
  'email_valid',
  'home_state',
  'home_time_zone',
  'sms_consent',
  'email_consent',
  'voice_consent',
  'sms_opted_out_at',
  'email_suppressed_reason',
  'last_sms_at',
  'last_voicemail_at',
] as const satisfies readonly (keyof DriverProfile)[];

export type DecisionDriver = Pick<DriverProfile, '_id' | (typeof DECISION_DRIVER_FIELDS)[number]>;

export type DecisionCarrier = Pick<Carrier, 'carrier_dot' | 'name' | 'active' | 'sms_daily_cap_per_driver'>;

export interface DecideContactInput {
  readonly channel: ContactChannel;
  readonly driver: DecisionDriver;
  readonly carrier: DecisionCarrier;
  readonly now: Date;
  readonly sendWindow?: SendWindow | null;
  /** The driver's contacts; when omitted, only the DriverProfiles mirrors (`last_sms_at`, …) are known. */
  readonly history?: ContactHistory;
  /** SMSOptOuts records for the driver's phone (others are ignored). */
  readonly optOuts?: readonly OptOutRecord[];
  readonly campaignId?: string | null;
  readonly campaignCaps?: CampaignCaps | null;
}

/** A ComplianceAuditLog item to insert (the store assigns `_id`). */
export type AuditEntry = Omit<ComplianceAuditEntry, '_id' | '_createdDate' | '_updatedDate' | '_owner'>;
