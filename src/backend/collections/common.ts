/**
 * Field schemas shared by several collections: references, phone/email/ZIP formats, consent
 * records, send windows and the stored audience filter.
 */
import * as z from 'zod';
import {
  CDL_CLASSES,
  CONSENT_SOURCES,
  DRIVER_STATUSES,
  ENDORSEMENTS,
  US_JURISDICTIONS,
} from './vocabulary';

/** Field metadata the CMS doc generator reads (Wix field type hints). */
export interface FieldMeta {
  readonly wixType?: 'Reference' | 'Date' | 'URL' | 'Tags' | 'Rich Text';
  readonly references?: string;
  readonly secret?: boolean;
}

/** A reference to another collection's item (stored as the item's `_id` string). */
export function ref(collectionId: string): z.ZodString {
  return z.string().min(1).meta({ wixType: 'Reference', references: collectionId } satisfies FieldMeta);
}

/** Same as `ref` but the value may be absent (`null`) or missing. */
export function optionalRef(collectionId: string): z.ZodOptional<z.ZodNullable<z.ZodString>> {
  return ref(collectionId).nullable().optional();
}

/** A secret stored encrypted at rest (API keys, OAuth tokens): never returned to the browser. */
export function secretText(): z.ZodString {
  return z.string().min(1).meta({ secret: true } satisfies FieldMeta);
}

/** An optional date that is set later (e.g. `sent_at`): missing or `null` until then. */
export function laterDate(): z.ZodOptional<z.ZodNullable<z.ZodDate>> {
  return z.date().nullable().optional();
}

/** E.164: `+` then 8–15 digits, no leading zero. Validity (a real number plan) is a separate flag. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;
export const e164 = z.string().regex(E164_PATTERN, 'expected an E.164 phone number such as +15125550100');

export const emailAddress = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address');

export const usZip = z.string().regex(/^\d{5}$/, 'expected a 5-digit ZIP code');

export const usJurisdiction = z.enum(US_JURISDICTIONS);

/** USDOT number of a carrier: the tenant key of every collection. */
export const carrierDot = z.string().regex(/^\d{1,8}$/, 'expected a USDOT number (digits)');

/** An IANA time zone name such as `America/Chicago`. */
export const ianaTimeZone = z.string().regex(/^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+|UTC)$/, 'expected an IANA time zone');

export const latitude = z.number().min(-90).max(90);
export const longitude = z.number().min(-180).max(180);

/** Hour of day 0–24 (24 = end of day) in the window's time zone. */
const hourOfDay = z.number().int().min(0).max(24);

/**
 * A consent record with provenance: who agreed, how, to which disclosure text, when.
 * `granted: false` records an explicit refusal or a revocation (then `revoked_at` says when).
 */
export const consentRecord = z.object({
  granted: z.boolean(),
  source: z.enum(CONSENT_SOURCES),
  captured_at: z.date(),
  /** Version id of the disclosure text the driver saw, e.g. `sms-2025-01`. */
  text_version: z.string().min(1),
  /** Free-form evidence pointer: form id, job board, import file, recording id. */
  source_detail: z.string().optional(),
  ip_address: z.string().optional(),
  revoked_at: z.date().nullable().optional(),
});
export type ConsentRecord = z.infer<typeof consentRecord>;

/** Day numbers as in `Date.getDay()`: 0 = Sunday … 6 = Saturday. */
export const weekday = z.number().int().min(0).max(6);

/**
 * When a campaign may send, in recipient-local time (`timezone: 'recipient'`) or in a fixed IANA zone.
 * The compliance engine may narrow it further (federal/state windows), never widen it.
 */
export const sendWindow = z.object({
  start_hour: hourOfDay,
  end_hour: hourOfDay,
  timezone: z.union([z.literal('recipient'), ianaTimeZone]),
  days: z.array(weekday).max(7),
});
export type SendWindow = z.infer<typeof sendWindow>;

/** Spec default: 09:00–20:00 recipient-local, every day. */
export const DEFAULT_SEND_WINDOW: SendWindow = Object.freeze({
  start_hour: 9,
  end_hour: 20,
  timezone: 'recipient',
  days: [0, 1, 2, 3, 4, 5, 6],
}) as SendWindow;

/** A radius around a ZIP or a "City, ST" place, resolved to coordinates when saved. */
export const radiusFilter = z.object({
  miles: z.number().positive().max(3000),
  zip: usZip.optional(),
  /** "Dallas, TX" as the recruiter typed it. */
  place: z.string().optional(),
  lat: latitude.optional(),
  lng: longitude.optional(),
});

/**
 * Driver selection criteria, stored on campaigns and saved searches (spec §3.1 `audience_filter`).
 * Every key is optional; an empty filter means every driver of the carrier.
 */
export const audienceFilter = z.object({
  cdl_classes: z.array(z.enum(CDL_CLASSES)).optional(),
  endorsements: z.array(z.enum(ENDORSEMENTS)).optional(),
  endorsements_match: z.enum(['any', 'all']).optional(),
  statuses: z.array(z.enum(DRIVER_STATUSES)).optional(),
  min_years_experience: z.number().min(0).optional(),
  states: z.array(usJurisdiction).optional(),
  tags: z.array(z.string().min(1)).optional(),
  tags_match: z.enum(['any', 'all']).optional(),
  within: radiusFilter.optional(),
  no_sms_in_last_days: z.number().int().positive().optional(),
  no_email_in_last_days: z.number().int().positive().optional(),
  has_consent_for: z.enum(['sms', 'email', 'voicemail']).optional(),
  include_driver_ids: z.array(z.string()).max(1000).optional(),
  exclude_driver_ids: z.array(z.string()).max(1000).optional(),
  saved_search_id: z.string().optional(),
});
export type AudienceFilter = z.infer<typeof audienceFilter>;

/** A US postal address (carrier footers for CAN-SPAM, job locations). */
export const postalAddress = z.object({
  street: z.string().min(1),
  street2: z.string().optional(),
  city: z.string().min(1),
  state: usJurisdiction,
  zip: usZip,
  country: z.literal('US'),
});
export type PostalAddress = z.infer<typeof postalAddress>;

/** Counter object kept on campaigns while they send (denormalised for list pages). */
export const campaignStats = z.object({
  queued: z.number().int().min(0),
  sent: z.number().int().min(0),
  delivered: z.number().int().min(0),
  failed: z.number().int().min(0),
  held: z.number().int().min(0),
  blocked: z.number().int().min(0),
  replies: z.number().int().min(0),
  opt_outs: z.number().int().min(0),
  cost: z.number().min(0),
});
export type CampaignStats = z.infer<typeof campaignStats>;

// Leases for overlapping scheduler runs live in the JobLeases collection (./operations.ts), taken
// with an atomic insert (src/backend/jobs/leases.ts), not in fields of the items being worked on.
