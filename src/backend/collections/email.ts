/** Spec §3.2: email campaigns, drip sequences, enrollments and individual emails. */
import * as z from 'zod';
import { defineCollection, index, uniqueIndex, type ItemOf } from './define';
import {
  audienceFilter,
  campaignStats,
  carrierDot,
  emailAddress,
  laterDate,
  optionalRef,
  ref,
  sendWindow,
} from './common';
import { exitCondition, sequenceStep, sequenceTriggerType, stepHistoryEntry, triggerConditions } from './sequence-steps';
import {
  BOUNCE_TYPES,
  CAMPAIGN_STATUSES,
  EMAIL_CAMPAIGN_TYPES,
  EMAIL_MESSAGE_STATUSES,
  EMAIL_SCHEDULE_TYPES,
  EMAIL_SUPPRESSION_REASONS,
  EMAIL_SUPPRESSION_SOURCES,
  ENROLLMENT_STATUSES,
  SEQUENCE_STATUSES,
} from './vocabulary';

export const EmailCampaigns = defineCollection({
  id: 'EmailCampaigns',
  description: 'An email campaign definition and its sending state (spec §3.2).',
  fields: {
    carrier_dot: carrierDot,
    campaign_name: z.string().min(1).max(200),
    campaign_type: z.enum(EMAIL_CAMPAIGN_TYPES),
    status: z.enum(CAMPAIGN_STATUSES),
    from_name: z.string().min(1),
    from_email: emailAddress,
    reply_to: emailAddress.nullable().optional(),
    subject_line: z.string().min(1),
    subject_variants: z.array(z.string().min(1)),
    preheader: z.string().optional(),
    template_id: z.string().nullable().optional(),
    html_content: z.string().nullable().optional(),
    audience_filter: audienceFilter,
    audience_count: z.number().int().min(0),
    schedule_type: z.enum(EMAIL_SCHEDULE_TYPES),
    scheduled_time: laterDate(),
    send_window: sendWindow.nullable().optional(),
    tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }),
    unsubscribe_group_id: z.string().nullable().optional(),
    // ── sending state ──
    next_run_at: laterDate(),
    started_at: laterDate(),
    completed_at: laterDate(),
    send_cursor: z.string().nullable().optional(),
    stats: campaignStats.optional(),
    // ── beyond the spec table: pause, runs, archive (src/backend/email/) ──
    paused_at: laterDate(),
    /** Which run is sending; part of message ids (`<campaign>.r<run>.e<address hash>`). */
    run_number: z.number().int().min(0).optional(),
    /** The current run's audience has been streamed to the end (held / unconfirmed emails may remain). */
    audience_done: z.boolean().optional(),
    /** USD estimate of the audience (reachable × price per email). */
    cost_estimate: z.number().min(0).optional(),
    /** Deleted by the recruiter after it sent: kept for analytics and audit, hidden from lists. */
    archived_at: laterDate(),
    /** Member id of the recruiter who created it: the `{{recruiter…}}` variables are theirs. */
    created_by_member_id: z.string().nullable().optional(),
    /** The job the campaign promotes: the `{{jobTitle}}`, `{{payRange}}`… variables. */
    job_posting_id: optionalRef('JobPostings'),
  },
  indexes: [index('carrier_dot', 'status', '_createdDate'), index('status', 'next_run_at')],
});
export type EmailCampaign = ItemOf<typeof EmailCampaigns>;

export const EmailSequences = defineCollection({
  id: 'EmailSequences',
  description: 'A multi-channel drip sequence: ordered steps (email, SMS, voicemail, wait, condition) and exit conditions.',
  fields: {
    carrier_dot: carrierDot,
    sequence_name: z.string().min(1).max(200),
    description: z.string().optional(),
    status: z.enum(SEQUENCE_STATUSES),
    trigger_type: sequenceTriggerType,
    trigger_conditions: triggerConditions,
    steps: z.array(sequenceStep).max(50),
    exit_conditions: z.array(exitCondition),
    enrollment_count: z.number().int().min(0),
    active_count: z.number().int().min(0),
    completed_count: z.number().int().min(0),
    conversion_count: z.number().int().min(0),
    // ── beyond the spec table (src/backend/sequences/, docs/sequences.md) ──
    /**
     * Version of `steps`, `exit_conditions` and `send_window` (1 when missing). An edit of these
     * makes a new version; older ones are kept in EmailSequenceVersions and enrollments finish on
     * the version they started on.
     */
    version: z.number().int().min(1).optional(),
    /** When email steps may go out (recipient-local or a fixed zone); SMS steps keep 9–20 local within it. */
    send_window: sendWindow.nullable().optional(),
    /** The member who created it: their recruiter profile fills the {{recruiter…}} variables. */
    owner_member_id: z.string().nullable().optional(),
    /** The job posting the {{job…}} variables come from. */
    job_posting_id: optionalRef('JobPostings'),
    /** The built-in template it was created from (getSequenceTemplates). */
    template_id: z.string().nullable().optional(),
    /** Tag added to the driver when an enrollment completes (the §2.3 template: `cold`). */
    completion_tag: z.string().min(1).max(60).nullable().optional(),
    /** The `inactive` exit: no activity (reply, open, click, application) for this many days (default 30). */
    inactive_after_days: z.number().int().min(1).max(365).optional(),
    activated_at: laterDate(),
    paused_at: laterDate(),
    /** `audience_match` trigger: drivers created up to this point (`_createdDate`, then `_id`) were considered. */
    trigger_cursor: z.object({ created_at: z.date(), driver_id: z.string().nullable() }).nullable().optional(),
    /** When the counters were last recomputed from the enrollments. */
    counters_at: laterDate(),
  },
  indexes: [index('carrier_dot', 'status'), index('carrier_dot', 'trigger_type', 'status')],
});
export type EmailSequence = ItemOf<typeof EmailSequences>;

export const EmailSequenceEnrollments = defineCollection({
  id: 'EmailSequenceEnrollments',
  description: 'A driver in a sequence; `next_step_at` drives the scheduler. Id = sequence + driver.',
  fields: {
    sequence_id: ref('EmailSequences'),
    driver_id: ref('DriverProfiles'),
    carrier_dot: carrierDot,
    current_step: z.number().int().min(0),
    status: z.enum(ENROLLMENT_STATUSES),
    exit_reason: z.string().nullable().optional(),
    enrolled_at: z.date(),
    last_step_at: laterDate(),
    next_step_at: laterDate(),
    step_history: z.array(stepHistoryEntry),
    // ── beyond the spec table (src/backend/sequences/) ──
    /** The sequence version whose steps this enrollment runs (1 when missing). */
    sequence_version: z.number().int().min(1).optional(),
    /** How the driver entered: `manual` (a recruiter), or the trigger that enrolled them. */
    enrolled_via: sequenceTriggerType.optional(),
    /** Member id of the recruiter who enrolled or removed the driver. */
    enrolled_by: z.string().nullable().optional(),
    /** First time the driver replied, applied or was hired while enrolled (a conversion). */
    converted_at: laterDate(),
    /** 1 once converted (summed by the counters aggregate), else 0 or missing. */
    converted: z.number().int().min(0).max(1).optional(),
    /** When the enrollment completed or exited. */
    finished_at: laterDate(),
  },
  indexes: [
    // The step job: due active enrollments.
    index('status', 'next_step_at'),
    index('sequence_id', 'status'),
    index('carrier_dot', 'driver_id', 'status'),
    uniqueIndex('sequence_id', 'driver_id'),
  ],
});
export type EmailSequenceEnrollment = ItemOf<typeof EmailSequenceEnrollments>;

export const EmailMessages = defineCollection({
  id: 'EmailMessages',
  description: 'One email to one driver from a campaign or a sequence step; engagement updated from SendGrid events.',
  fields: {
    campaign_id: z.string().nullable().optional().meta({ wixType: 'Reference', references: 'EmailCampaigns' }),
    carrier_dot: carrierDot,
    sequence_id: optionalRef('EmailSequences'),
    enrollment_id: optionalRef('EmailSequenceEnrollments'),
    /** The sequence step (`step_number`) that sent it (sequence analytics). */
    sequence_step: z.number().int().positive().optional(),
    driver_id: optionalRef('DriverProfiles'),
    email_address: emailAddress,
    subject: z.string(),
    /** Subject A/B variant index or id, when the campaign tests subjects. */
    variant_id: z.string().nullable().optional(),
    sendgrid_id: z.string().nullable().optional(),
    status: z.enum(EMAIL_MESSAGE_STATUSES),
    bounce_type: z.enum(BOUNCE_TYPES).nullable().optional(),
    bounce_reason: z.string().nullable().optional(),
    sent_at: laterDate(),
    delivered_at: laterDate(),
    opened: z.boolean(),
    opened_at: laterDate(),
    /** UTC hour of the first human open (`2026-11-04T21`): the analytics timeline groups on it. */
    opened_hour: z.string().nullable().optional(),
    open_count: z.number().int().min(0),
    clicked: z.boolean(),
    clicked_at: laterDate(),
    /** UTC hour of the first click, as `opened_hour`. */
    clicked_hour: z.string().nullable().optional(),
    click_count: z.number().int().min(0),
    clicked_links: z.array(z.string()),
    unsubscribed: z.boolean(),
    spam_reported: z.boolean(),
    /** Opens attributed to mail-privacy proxies (machine opens), kept apart from human opens. */
    machine_open_count: z.number().int().min(0).optional(),
    // ── from SendGrid events (src/backend/email/events) ──
    /** `dropped` event reason ("Bounced Address", "Unsubscribed Address", "Invalid", …). */
    drop_reason: z.string().max(500).nullable().optional(),
    /** Highest `deferred` attempt number seen, and that attempt's SMTP response. */
    deferral_count: z.number().int().min(0).optional(),
    deferral_response: z.string().max(500).nullable().optional(),
    send_after: laterDate(),
    compliance_rule: z.string().nullable().optional(),
    compliance_reason: z.string().nullable().optional(),
    // ── sending (src/backend/email/sender.ts): `queued` with no `sent_at` = handed to SendGrid, answer not (yet) known ──
    /** One Mail Send request carries a wave's emails; its records share this id. */
    request_id: z.string().max(200).nullable().optional(),
    /** When the provider call was (last) attempted. */
    attempted_at: laterDate(),
    attempts: z.number().int().min(0).optional(),
    /** SendGrid's refusal (HTTP status or our code such as `unconfirmed`) and its message. */
    error_code: z.string().max(100).nullable().optional(),
    error_message: z.string().max(1000).nullable().optional(),
    run_number: z.number().int().min(0).optional(),
  },
  indexes: [
    index('campaign_id', 'status', 'send_after'),
    // SendGrid events carry sg_message_id.
    index('sendgrid_id'),
    index('carrier_dot', 'email_address', 'sent_at'),
  ],
});
export type EmailMessage = ItemOf<typeof EmailMessages>;

export const EmailSuppressions = defineCollection({
  id: 'EmailSuppressions',
  description:
    "Addresses a carrier must not email (CAN-SPAM): unsubscribes, group unsubscribes, hard bounces, spam reports, manual. One item per carrier, lower-cased address and reason (and SendGrid group for group unsubscribes): id = carrier:address:reason[:group], so a write needs no read. An address is suppressed while any of its items is not lifted; only group unsubscribes are lifted (a group resubscribe). `effects_due_at` queues the side effects (driver mirror, unsent email canceled, sequence exits) for processEmailSuppressions.",
  fields: {
    carrier_dot: carrierDot,
    /** Lower-cased. */
    email_address: emailAddress,
    reason: z.enum(EMAIL_SUPPRESSION_REASONS),
    source: z.enum(EMAIL_SUPPRESSION_SOURCES),
    /** SendGrid unsubscribe group, for `group_unsubscribed`. */
    asm_group_id: z.number().int().nullable().optional(),
    driver_id: optionalRef('DriverProfiles'),
    suppressed_at: z.date(),
    /** The event or message that caused it (sg_event_id or our message id), for the audit trail. */
    evidence: z.string().nullable().optional(),
    lifted_at: laterDate(),
    /** Set by every write: the side effects of this item are still to be applied (processEmailSuppressions); null once applied. */
    effects_due_at: laterDate(),
    /** When the side effects were last applied. */
    effects_applied_at: laterDate(),
  },
  indexes: [index('carrier_dot', 'email_address'), index('carrier_dot', 'suppressed_at'), index('effects_due_at')],
});
export type EmailSuppression = ItemOf<typeof EmailSuppressions>;
