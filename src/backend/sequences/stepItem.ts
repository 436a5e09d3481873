/** A due send step (SMS or email) of one enrollment, and what became of it. */
import type { EmailSequence } from '../collections/email';
import type { JobPosting } from '../collections/jobs';
import type { Carrier, DriverProfile, RecruiterProfile } from '../collections/people';
import type { SequenceStep } from '../collections/sequence-steps';
import type { ComplianceStore } from '../outreach';
import type { EngagementFacts, SequencePlan } from './engine';
import type { ContactLedger } from './ledger';
import type { Claimed } from './prepare';

export interface SendStepItem<S extends SequenceStep = Extract<SequenceStep, { step_type: 'email' | 'sms' }>> {
  readonly enrollment: Claimed;
  readonly sequence: EmailSequence;
  readonly plan: SequencePlan;
  readonly position: number;
  readonly step: S;
  readonly driver: DriverProfile;
  readonly carrier: Carrier;
  readonly recruiter: RecruiterProfile | null;
  readonly job: JobPosting | null;
  /** What the batch read of the driver (facts.ts): `unsubscribed` also counts EmailSuppressions the mirror does not show yet. */
  readonly facts: EngagementFacts;
  /** `<enrollment>.s<step_number>`: the step's message record id. */
  readonly messageId: string;
}

export type SmsStepItem = SendStepItem<Extract<SequenceStep, { step_type: 'sms' }>>;
export type EmailStepItem = SendStepItem<Extract<SequenceStep, { step_type: 'email' }>>;

/**
 * - `done`: the step happened (sent, failed at the provider, blocked by compliance, canceled):
 *   the enrollment advances with this outcome;
 * - `later`: the same step runs again at `until` (a compliance hold, an unconfirmed provider call,
 *   a provider that is unavailable): the enrollment is only rescheduled.
 */
export type SendResult =
  | { readonly kind: 'done'; readonly outcome: 'sent' | 'failed' | 'blocked' | 'skipped'; readonly messageId: string | null; readonly reason?: string }
  | { readonly kind: 'later'; readonly until: Date; readonly reason: string };

export interface StepSendContext {
  readonly now: Date;
  readonly compliance: ComplianceStore;
  /** Drivers SendGrid accepted an email for (their `last_email_at` is written with the batch's driver update). */
  readonly emailed?: (driverIds: readonly string[]) => void;
  /** Drivers Twilio accepted a text for (their `last_sms_at` likewise); without it the SMS channel patches them itself. */
  readonly texted?: (driverIds: readonly string[]) => void;
  /** The run's planned contacts (ledger.ts): texts decided are entered at once, refused ones forgotten. */
  readonly ledger?: Pick<ContactLedger, 'plan' | 'forget'>;
}

