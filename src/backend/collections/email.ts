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
    open_count: z.number().int().min(0),
    clicked: z.boolean(),
    clicked_at: laterDate(),
    click_count: z.number().int().min(0),
    clicked_links: z.array(z.string()),
    unsubscribed: z.boolean(),
    spam_reported: z.boolean(),
    /** Opens attributed to mail-privacy proxies (machine opens), kept apart from human opens. */
    machine_open_count: z.number().int().min(0).optional(),
    send_after: laterDate(),
    compliance_rule: z.string().nullable().optional(),
    compliance_reason: z.string().nullable().optional(),
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
    "Addresses a carrier must not email (CAN-SPAM): unsubscribes, group unsubscribes, hard bounces, spam reports. One item per address and carrier (id = carrier + lower-cased address); group unsubscribes name their SendGrid group. Lifted (not deleted) on a group resubscribe.",
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
  },
  indexes: [uniqueIndex('carrier_dot', 'email_address'), index('carrier_dot', 'suppressed_at')],
});
export type EmailSuppression = ItemOf<typeof EmailSuppressions>;
