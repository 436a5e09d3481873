/** Spec §3.1: SMS campaigns, the messages they send, and SMS opt-outs. */
import * as z from 'zod';
import { defineCollection, index, uniqueIndex, type ItemOf } from './define';
import {
  audienceFilter,
  campaignStats,
  carrierDot,
  e164,
  ianaTimeZone,
  laterDate,
  optionalRef,
  sendWindow,
} from './common';
import {
  CAMPAIGN_STATUSES,
  OPT_OUT_SOURCES,
  REPLY_STATES,
  SMS_CAMPAIGN_TYPES,
  SMS_MESSAGE_STATUSES,
  SMS_SCHEDULE_TYPES,
} from './vocabulary';

/** One A/B variant of an SMS campaign; weights are relative (they need not sum to 100). */
export const smsVariant = z.object({
  variant_id: z.string().min(1),
  name: z.string().optional(),
  message_template: z.string().min(1),
  weight: z.number().positive(),
});
export type SmsVariant = z.infer<typeof smsVariant>;

/** A cron-like recurring schedule, evaluated in `timezone`. */
export const recurringSchedule = z.object({
  cron: z.string().min(9),
  timezone: ianaTimeZone,
  ends_at: z.date().nullable().optional(),
});
export type RecurringSchedule = z.infer<typeof recurringSchedule>;

export const SMSCampaigns = defineCollection({
  id: 'SMSCampaigns',
  description: 'An SMS campaign definition and its sending state (spec §3.1).',
  fields: {
    carrier_dot: carrierDot,
    campaign_name: z.string().min(1).max(200),
    campaign_type: z.enum(SMS_CAMPAIGN_TYPES),
    status: z.enum(CAMPAIGN_STATUSES),
    message_template: z.string().min(1),
    message_variants: z.array(smsVariant),
    audience_filter: audienceFilter,
    audience_count: z.number().int().min(0),
    schedule_type: z.enum(SMS_SCHEDULE_TYPES),
    scheduled_time: laterDate(),
    recurring_schedule: recurringSchedule.nullable().optional(),
    send_window: sendWindow,
    /** Messages per minute. */
    rate_limit: z.number().int().positive(),
    /** Auto-response to STOP (the confirmation text). */
    opt_out_handling: z.string(),
    tracking_enabled: z.boolean(),
    cost_estimate: z.number().min(0),
    // ── sending state (not in the spec table; needed to send in resumable batches) ──
    /** When the scheduler should next look at this campaign (scheduled start, recurring run, held retries). */
    next_run_at: laterDate(),
    started_at: laterDate(),
    paused_at: laterDate(),
    completed_at: laterDate(),
    /** Resume point of the audience stream (opaque to everything but the sender). */
    send_cursor: z.string().nullable().optional(),
    stats: campaignStats.optional(),
    actual_cost: z.number().min(0).optional(),
    /** Which run of the campaign is sending (recurring campaigns: one per occurrence); part of message ids. */
    run_number: z.number().int().min(0).optional(),
    /** The audience of the current run has been streamed to the end (only held messages may remain). */
    audience_done: z.boolean().optional(),
    /** How delivery statuses arrive: per-message StatusCallbacks, or bulk reconciliation from Twilio's message list. */
    status_tracking: z.enum(['callbacks', 'reconcile']).optional(),
    /** Deleted by the recruiter after it sent: kept for analytics and audit, hidden from lists. */
    archived_at: laterDate(),
  },
  indexes: [
    index('carrier_dot', 'status', '_createdDate'),
    // The scheduler job: due scheduled / active / recurring campaigns.
    index('status', 'next_run_at'),
  ],
});
export type SMSCampaign = ItemOf<typeof SMSCampaigns>;

export const SMSMessages = defineCollection({
  id: 'SMSMessages',
  description:
    'One SMS to one driver from a campaign or a drip-sequence step; written before the provider call with a deterministic id (campaign + run + phone, or enrollment + step) so a rerun never sends twice.',
  fields: {
    /** The campaign that sent it; null for a sequence step (then `sequence_id` / `enrollment_id` are set). */
    campaign_id: optionalRef('SMSCampaigns'),
    sequence_id: optionalRef('EmailSequences'),
    enrollment_id: optionalRef('EmailSequenceEnrollments'),
    /** The sequence step (`step_number`) that sent it (sequence analytics). */
    sequence_step: z.number().int().positive().optional(),
    carrier_dot: carrierDot,
    driver_id: optionalRef('DriverProfiles'),
    phone_number: e164,
    message_body: z.string(),
    variant_id: z.string().nullable().optional(),
    twilio_sid: z.string().nullable().optional(),
    status: z.enum(SMS_MESSAGE_STATUSES),
    error_code: z.string().nullable().optional(),
    error_message: z.string().nullable().optional(),
    sent_at: laterDate(),
    delivered_at: laterDate(),
    cost: z.number().nullable().optional(),
    reply_received: z.boolean(),
    reply_content: z.string().nullable().optional(),
    reply_at: laterDate(),
    opted_out: z.boolean(),
    // ── beyond the spec table ──
    segments: z.number().int().positive().optional(),
    /** For `held` / retries: not before this instant. */
    send_after: laterDate(),
    attempts: z.number().int().min(0).optional(),
    /** Compliance rule and reason when held or blocked (details in ComplianceAuditLog). */
    compliance_rule: z.string().nullable().optional(),
    compliance_reason: z.string().nullable().optional(),
    reply_state: z.enum(REPLY_STATES).nullable().optional(),
    status_updated_at: laterDate(),
    /** When the provider call was (last) attempted: reconciliation of a `sending` message looks around it. */
    attempted_at: laterDate(),
    run_number: z.number().int().min(0).optional(),
  },
  indexes: [
    // Batch claims and funnel counts per campaign.
    index('campaign_id', 'status', 'send_after'),
    // Status callbacks and reconciliation.
    index('twilio_sid'),
    // Inbound replies attach to the latest message to a phone; opt-outs cancel pending sends.
    index('carrier_dot', 'phone_number', 'sent_at'),
  ],
});
export type SMSMessage = ItemOf<typeof SMSMessages>;

export const SMSOptOuts = defineCollection({
  id: 'SMSOptOuts',
  description:
    "Phones that opted out of a carrier's SMS (or of every carrier: carrier_dot = 'all'). One item per phone and scope, updated on resubscribe.",
  fields: {
    phone_number: e164,
    driver_id: optionalRef('DriverProfiles'),
    carrier_dot: z.union([carrierDot, z.literal('all')]),
    opted_out_at: z.date(),
    opt_out_source: z.enum(OPT_OUT_SOURCES),
    /** The inbound text that opted out (keyword or free text), for review. */
    opt_out_message: z.string().nullable().optional(),
    /** Free-text revocations are honoured and flagged for a human to confirm. */
    needs_review: z.boolean().optional(),
    resubscribed: z.boolean(),
    resubscribed_at: laterDate(),
  },
  indexes: [uniqueIndex('phone_number', 'carrier_dot'), index('carrier_dot', 'opted_out_at')],
});
export type SMSOptOut = ItemOf<typeof SMSOptOuts>;
