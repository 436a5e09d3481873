/**
 * The shared vocabulary of the data model: every enumerated field value, as `const` tuples.
 * Schemas, services and the UI read these lists so there is one spelling for each value.
 */

/** The 50 states and DC (USPS codes). Territories are not part of the driver market we model. */
export const US_JURISDICTIONS = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS',
  'KY', 'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC',
  'ND', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
] as const;
export type UsJurisdiction = (typeof US_JURISDICTIONS)[number];

// ── Drivers ─────────────────────────────────────────────────────────────────────────────────────
export const CDL_CLASSES = ['A', 'B', 'C'] as const;
export type CdlClass = (typeof CDL_CLASSES)[number];

/** H hazmat, N tank, P passenger, S school bus, T doubles/triples, X tank + hazmat. */
export const ENDORSEMENTS = ['H', 'N', 'P', 'S', 'T', 'X'] as const;
export type Endorsement = (typeof ENDORSEMENTS)[number];

export const DRIVER_STATUSES = ['job_seeking', 'open_to_offers', 'employed', 'hired', 'inactive'] as const;
export type DriverStatus = (typeof DRIVER_STATUSES)[number];

/** Where a driver record came from. */
export const DRIVER_SOURCES = ['job_board', 'csv_import', 'direct_application', 'referral', 'web_form', 'manual'] as const;
export type DriverSource = (typeof DRIVER_SOURCES)[number];

export const PHONE_LINE_TYPES = ['mobile', 'landline', 'voip', 'unknown'] as const;
export type PhoneLineType = (typeof PHONE_LINE_TYPES)[number];

/** How a consent record was captured (its provenance). */
export const CONSENT_SOURCES = [
  'job_application_form',
  'web_form',
  'csv_import',
  'job_board',
  'sms_keyword',
  'verbal_recorded',
  'paper_form',
  'manual',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export const EMAIL_SUPPRESSION_REASONS = ['unsubscribed', 'group_unsubscribed', 'hard_bounce', 'spam_report', 'manual'] as const;
/** Where a suppression came from: a SendGrid event, our one-click / link unsubscribe, or a recruiter. */
export const EMAIL_SUPPRESSION_SOURCES = ['sendgrid_event', 'one_click', 'unsubscribe_link', 'recruiter', 'import'] as const;
export type EmailSuppressionSource = (typeof EMAIL_SUPPRESSION_SOURCES)[number];
export type EmailSuppressionReason = (typeof EMAIL_SUPPRESSION_REASONS)[number];

// ── People and tenants ──────────────────────────────────────────────────────────────────────────
export const RECRUITER_ROLES = ['recruiter', 'manager', 'admin'] as const;
export type RecruiterRole = (typeof RECRUITER_ROLES)[number];

// ── Channels and compliance ─────────────────────────────────────────────────────────────────────
/** Channels the compliance engine decides on (`call` = a live/dialer call). */
export const CONTACT_CHANNELS = ['sms', 'email', 'voicemail', 'call'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** What a compliance audit entry records: a send decision or a consent / opt-out event. */
export const AUDIT_DECISIONS = [
  'send',
  'hold',
  'block',
  'opt_out',
  'opt_in',
  'consent_granted',
  'consent_revoked',
  'flagged_for_review',
] as const;
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];

/** The channels OutreachAnalytics rolls up (spec §3.5, plus voicemail). */
export const ANALYTICS_CHANNELS = ['sms', 'email', 'voicemail', 'job_board', 'social'] as const;
export type AnalyticsChannel = (typeof ANALYTICS_CHANNELS)[number];

// ── Campaigns ───────────────────────────────────────────────────────────────────────────────────
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'active', 'paused', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const SMS_CAMPAIGN_TYPES = ['blast', 'drip', 'triggered'] as const;
export type SmsCampaignType = (typeof SMS_CAMPAIGN_TYPES)[number];

export const SMS_SCHEDULE_TYPES = ['immediate', 'scheduled', 'recurring'] as const;
export type SmsScheduleType = (typeof SMS_SCHEDULE_TYPES)[number];

/**
 * SMS message lifecycle. The spec's five Twilio statuses plus our own states around them:
 * `pending` (record written before the provider call), `held` (compliance hold until a later instant),
 * `blocked` (compliance block), `sending` (Twilio's in-flight state), `canceled` (pause/opt-out).
 */
export const SMS_MESSAGE_STATUSES = [
  'pending',
  'held',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'canceled',
  'blocked',
] as const;
export type SmsMessageStatus = (typeof SMS_MESSAGE_STATUSES)[number];

/** Recruiter triage state of a driver's reply. */
export const REPLY_STATES = ['new', 'handled', 'needs_follow_up'] as const;
export type ReplyState = (typeof REPLY_STATES)[number];

export const OPT_OUT_SOURCES = ['STOP_keyword', 'free_text', 'manual', 'carrier_request', 'provider_block'] as const;
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export const EMAIL_CAMPAIGN_TYPES = ['one_time', 'drip', 'triggered'] as const;
export type EmailCampaignType = (typeof EMAIL_CAMPAIGN_TYPES)[number];

export const EMAIL_SCHEDULE_TYPES = ['immediate', 'scheduled'] as const;
export type EmailScheduleType = (typeof EMAIL_SCHEDULE_TYPES)[number];

/** Spec statuses plus `pending`/`held`/`blocked`/`deferred`/`failed`/`canceled` around the provider call. */
export const EMAIL_MESSAGE_STATUSES = [
  'pending',
  'held',
  'queued',
  'sent',
  'deferred',
  'delivered',
  'bounced',
  'dropped',
  'failed',
  'canceled',
  'blocked',
] as const;
export type EmailMessageStatus = (typeof EMAIL_MESSAGE_STATUSES)[number];

export const BOUNCE_TYPES = ['hard', 'soft', 'block'] as const;
export type BounceType = (typeof BOUNCE_TYPES)[number];

// ── Sequences ───────────────────────────────────────────────────────────────────────────────────
export const SEQUENCE_STATUSES = ['draft', 'active', 'paused'] as const;
export type SequenceStatus = (typeof SEQUENCE_STATUSES)[number];

export const SEQUENCE_STEP_TYPES = ['email', 'sms', 'voicemail', 'wait', 'condition'] as const;
export type SequenceStepType = (typeof SEQUENCE_STEP_TYPES)[number];

export const SEQUENCE_TRIGGER_TYPES = [
  'manual',
  'application_submitted',
  'driver_created',
  'status_changed',
  'tag_added',
  'audience_match',
] as const;
export type SequenceTriggerType = (typeof SEQUENCE_TRIGGER_TYPES)[number];

export const SEQUENCE_EXIT_TYPES = ['replied', 'applied', 'hired', 'unsubscribed', 'opted_out', 'inactive'] as const;
export type SequenceExitType = (typeof SEQUENCE_EXIT_TYPES)[number];

export const ENROLLMENT_STATUSES = ['active', 'completed', 'exited', 'paused'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export const STEP_OUTCOMES = ['sent', 'skipped', 'held', 'blocked', 'failed', 'waited', 'condition_true', 'condition_false'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];

// ── Job boards ──────────────────────────────────────────────────────────────────────────────────
export const JOB_BOARDS = ['indeed', 'ziprecruiter', 'cdljobs'] as const;
export type JobBoard = (typeof JOB_BOARDS)[number];

export const APPLICATION_SOURCES = [...JOB_BOARDS, 'direct'] as const;
export type ApplicationSource = (typeof APPLICATION_SOURCES)[number];

export const JOB_TYPES = ['company_driver', 'owner_operator', 'lease_purchase'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const ROUTE_TYPES = ['otr', 'regional', 'local', 'dedicated'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

export const JOB_POSTING_STATUSES = ['draft', 'active', 'paused', 'expired', 'filled'] as const;
export type JobPostingStatus = (typeof JOB_POSTING_STATUSES)[number];

export const SYNDICATION_STATUSES = ['pending', 'active', 'paused', 'removed', 'expired', 'error'] as const;
export type SyndicationStatus = (typeof SYNDICATION_STATUSES)[number];

export const PAY_TYPES = ['cpm', 'hourly', 'weekly', 'salary', 'percentage', 'per_load'] as const;
export type PayType = (typeof PAY_TYPES)[number];

export const APPLICATION_STATUSES = ['new', 'reviewed', 'contacted', 'rejected', 'hired'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

// ── Social ──────────────────────────────────────────────────────────────────────────────────────
export const SOCIAL_PLATFORMS = ['facebook', 'linkedin', 'twitter'] as const;
export type SocialPlatform = (typeof SOCIAL_PLATFORMS)[number];

export const SOCIAL_POST_TYPES = ['job', 'content', 'engagement'] as const;
export type SocialPostType = (typeof SOCIAL_POST_TYPES)[number];

export const SOCIAL_POST_STATUSES = ['draft', 'scheduled', 'published', 'failed'] as const;
export type SocialPostStatus = (typeof SOCIAL_POST_STATUSES)[number];

export const PLATFORM_POST_STATUSES = ['pending', 'published', 'failed', 'deleted'] as const;
export type PlatformPostStatus = (typeof PLATFORM_POST_STATUSES)[number];

export const SOCIAL_ACCOUNT_TYPES = ['page', 'group', 'company', 'profile'] as const;
export type SocialAccountType = (typeof SOCIAL_ACCOUNT_TYPES)[number];

/** `page`/`group` on Facebook, `company`/`profile` on LinkedIn and Twitter. */
export const SOCIAL_POST_TARGETS = SOCIAL_ACCOUNT_TYPES;
