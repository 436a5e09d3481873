/**
 * Tenants and people: carriers, their recruiters, the drivers they reach, saved searches, and the
 * compliance audit trail. Every collection here is keyed by `carrier_dot` (the tenant).
 */
import * as z from 'zod';
import { defineCollection, index, uniqueIndex, type ItemOf } from './define';
import {
  audienceFilter,
  carrierDot,
  consentRecord,
  e164,
  emailAddress,
  ianaTimeZone,
  latitude,
  longitude,
  optionalRef,
  postalAddress,
  usJurisdiction,
  usZip,
} from './common';
import {
  AUDIT_DECISIONS,
  CDL_CLASSES,
  CONTACT_CHANNELS,
  DRIVER_SOURCES,
  DRIVER_STATUSES,
  EMAIL_SUPPRESSION_REASONS,
  ENDORSEMENTS,
  PHONE_LINE_TYPES,
  RECRUITER_ROLES,
} from './vocabulary';

/** Twilio's US long-code price per outbound SMS segment, the default of `sms_price_per_segment`. */
export const DEFAULT_SMS_PRICE_PER_SEGMENT = 0.0079;

export const Carriers = defineCollection({
  id: 'Carriers',
  description: 'A trucking carrier (the tenant). Address and phone feed CAN-SPAM footers and SMS HELP replies.',
  fields: {
    carrier_dot: carrierDot,
    name: z.string().min(1),
    physical_address: postalAddress,
    main_phone: e164,
    time_zone: ianaTimeZone,
    website_url: z.url().optional(),
    sms_price_per_segment: z.number().positive().default(DEFAULT_SMS_PRICE_PER_SEGMENT),
    /** Spec §2.4 default: at most 1 SMS per driver per day per carrier. */
    sms_daily_cap_per_driver: z.number().int().positive().default(1),
    /** Twilio Messaging Service SID or From number used for this carrier (secrets stay in Wix Secrets). */
    sms_sender: z.string().optional(),
    email_from_name: z.string().optional(),
    email_from_address: emailAddress.optional(),
    /** SendGrid unsubscribe group used for marketing mail. */
    email_unsubscribe_group_id: z.string().optional(),
    monthly_budget_usd: z.number().min(0).nullable().optional(),
    active: z.boolean(),
  },
  indexes: [uniqueIndex('carrier_dot')],
});
export type Carrier = ItemOf<typeof Carriers>;

export const RecruiterProfiles = defineCollection({
  id: 'RecruiterProfiles',
  description: 'A site member who recruits for a carrier; `member_id` is the Wix member id.',
  fields: {
    member_id: z.string().min(1),
    carrier_dot: carrierDot,
    first_name: z.string().min(1),
    last_name: z.string().min(1),
    phone: e164,
    email: emailAddress,
    role: z.enum(RECRUITER_ROLES),
    title: z.string().optional(),
    active: z.boolean(),
    /** Signature block appended to emails. */
    email_signature: z.string().optional(),
  },
  indexes: [uniqueIndex('member_id', 'carrier_dot'), index('carrier_dot', 'role')],
});
export type RecruiterProfile = ItemOf<typeof RecruiterProfiles>;

const reachabilityFlag = z.union([z.literal(0), z.literal(1)]).optional();

export const DriverProfiles = defineCollection({
  id: 'DriverProfiles',
  description:
    'A CDL driver known to one carrier (tenant-scoped by carrier_dot), with contact data, qualifications, consent provenance and contact history used by audience filters and the compliance engine.',
  fields: {
    carrier_dot: carrierDot,
    first_name: z.string().min(1),
    last_name: z.string().min(1),
    /** E.164 as captured; `null` when none was given. `phone_valid` says whether it is a real, dialable number. */
    phone: e164.nullable(),
    phone_valid: z.boolean(),
    phone_line_type: z.enum(PHONE_LINE_TYPES),
    email: emailAddress.nullable(),
    email_valid: z.boolean(),
    // Home address: `null` when the source gave none (e.g. a bare job-board lead); lat/lng/zone are
    // derived from the ZIP when it is known.
    home_city: z.string().min(1).nullable(),
    home_state: usJurisdiction.nullable(),
    home_zip: usZip.nullable(),
    home_lat: latitude.nullable(),
    home_lng: longitude.nullable(),
    /** IANA zone of the home ZIP (one of the driver's candidate zones); `null` when unknown. */
    home_time_zone: ianaTimeZone.nullable(),
    cdl_class: z.enum(CDL_CLASSES),
    endorsements: z.array(z.enum(ENDORSEMENTS)),
    years_experience: z.number().min(0).max(60),
    status: z.enum(DRIVER_STATUSES),
    sms_consent: consentRecord.nullable(),
    email_consent: consentRecord.nullable(),
    /** Prerecorded voice / ringless voicemail consent (FCC 22-85 treats RVM as a call). */
    voice_consent: consentRecord.nullable().optional(),
    /** Set when the driver opted out of SMS from this carrier (mirror of SMSOptOuts for queries). */
    sms_opted_out_at: z.date().nullable().optional(),
    email_suppressed_reason: z.enum(EMAIL_SUPPRESSION_REASONS).nullable().optional(),
    /**
     * 1 when the channel can reach the driver at all (valid contact, not a landline for SMS, not
     * opted out / suppressed); kept by the data hooks (backend/data.ts), numeric so aggregates can sum it.
     */
    sms_reachable: reachabilityFlag,
    email_reachable: reachabilityFlag,
    voicemail_reachable: reachabilityFlag,
    email_suppressed_at: z.date().nullable().optional(),
    last_sms_at: z.date().nullable(),
    last_email_at: z.date().nullable(),
    last_voicemail_at: z.date().nullable().optional(),
    last_reply_at: z.date().nullable().optional(),
    /** Latest job application matched to this driver (kept by the JobApplications insert hook; sequences' `applied` exit). */
    last_applied_at: z.date().nullable().optional(),
    tags: z.array(z.string().min(1)),
    source: z.enum(DRIVER_SOURCES),
    /** Finer provenance: the job board, import file or referrer. */
    source_detail: z.string().optional(),
    /** Recruiter member id the driver is assigned to. */
    assigned_recruiter_id: z.string().nullable().optional(),
    /** Set by de-duplication when this record is a copy of another driver. */
    duplicate_of: optionalRef('DriverProfiles'),
    notes: z.string().optional(),
  },
  indexes: [
    // Audience queries: tenant, then the most selective enumerations.
    index('carrier_dot', 'status', 'cdl_class'),
    // Radius filters: bounding box on latitude, longitude refined in memory.
    index('carrier_dot', 'home_lat', 'home_lng'),
    // Inbound SMS / opt-outs / de-duplication look drivers up by phone.
    index('carrier_dot', 'phone'),
  ],
});
export type DriverProfile = ItemOf<typeof DriverProfiles>;

export const SavedSearches = defineCollection({
  id: 'SavedSearches',
  description: 'A named audience filter a recruiter saved; usable as a campaign audience.',
  fields: {
    carrier_dot: carrierDot,
    owner_member_id: z.string().min(1),
    name: z.string().min(1).max(120),
    description: z.string().optional(),
    filter: audienceFilter,
    /** Visible to every recruiter of the carrier, not only the owner. */
    shared: z.boolean(),
    last_count: z.number().int().min(0).nullable().optional(),
    last_used_at: z.date().nullable().optional(),
  },
  indexes: [index('carrier_dot', 'owner_member_id'), index('carrier_dot', 'shared')],
});
export type SavedSearch = ItemOf<typeof SavedSearches>;

export const ComplianceAuditLog = defineCollection({
  id: 'ComplianceAuditLog',
  description:
    'Every compliance decision (send / hold / block) and consent or opt-out event, with the rule that decided it, so a recruiter can see why a driver was or was not contacted. Append-only.',
  fields: {
    carrier_dot: z.union([carrierDot, z.literal('all')]),
    driver_id: optionalRef('DriverProfiles'),
    /** The contact address the decision concerned (E.164 or email), for drivers not on file. */
    address: z.string().optional(),
    channel: z.enum(CONTACT_CHANNELS),
    decision: z.enum(AUDIT_DECISIONS),
    /** Stable rule id, e.g. `state_window.FL`, `consent.missing`, `opt_out.keyword`. */
    rule: z.string().min(1),
    reason: z.string().min(1),
    at: z.date(),
    /** For `hold`: the next allowed instant. */
    hold_until: z.date().nullable().optional(),
    campaign_id: z.string().nullable().optional(),
    sequence_id: z.string().nullable().optional(),
    message_id: z.string().nullable().optional(),
    /** The candidate time zones the window was evaluated in. */
    time_zones: z.array(ianaTimeZone).optional(),
    /** Member id, or `system` for jobs and webhooks. */
    actor: z.string().optional(),
    /** Rule-specific evidence (keyword matched, counts in the window, consent record id…). */
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  },
  indexes: [
    index('carrier_dot', 'driver_id', 'at'),
    index('carrier_dot', 'at'),
    index('campaign_id', 'decision'),
  ],
});
export type ComplianceAuditEntry = ItemOf<typeof ComplianceAuditLog>;
