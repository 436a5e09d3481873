/**
 * What the step job needs from the channels. SMS steps use the SMS channel's own port
 * (`SmsProvider`, src/backend/sms/provider.ts) and its delivery discipline (sms/deliver.ts). Email
 * steps go through this narrow port, implemented over the email channel's composer and SendGrid
 * provider in ./emailChannel.ts; tests may substitute a fake of the same contract.
 */
import type { EmailSequence } from '../collections/email';
import type { JobPosting } from '../collections/jobs';
import type { Carrier, DriverProfile, RecruiterProfile } from '../collections/people';
import type { SequenceStep } from '../collections/sequence-steps';
import type { EmailPersonalization } from '../email/provider';
import type { SmsProvider } from '../sms/provider';

export type EmailStep = Extract<SequenceStep, { step_type: 'email' }>;

/** One email step of one sequence version, with what its variables need. */
export interface StepEmailContext {
  readonly sequence: EmailSequence;
  readonly version: number;
  readonly step: EmailStep;
  readonly carrier: Carrier;
  readonly recruiter: RecruiterProfile | null;
  readonly job: JobPosting | null;
}

export type PersonalizedEmail =
  | { readonly ok: true; readonly subject: string; readonly personalization: EmailPersonalization }
  | { readonly ok: false; readonly subject: string; readonly reason: string };

/**
 * What happened to one email of a send:
 * - `accepted`: SendGrid took it (its X-Message-Id);
 * - `rejected`: refused, nothing sent, final (a bad address, a template SendGrid refuses);
 * - `retry`: nothing was accepted (429 after retries, unreachable): send it again later;
 * - `unconfirmed`: SendGrid MAY have accepted it (5xx, timeout): never resend blindly.
 */
export type EmailItemOutcome =
  | { readonly kind: 'accepted'; readonly providerMessageId: string }
  | { readonly kind: 'rejected'; readonly code: string; readonly reason: string }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'unconfirmed'; readonly reason: string };

export interface SequenceEmailSender {
  /** The recipient's rendered subject and personalization (custom_args name our message), or why it can't be sent. Pure. */
  personalize(context: StepEmailContext, recipient: { readonly driver: DriverProfile; readonly email: string; readonly messageId: string }): PersonalizedEmail;
  /** Sends one step's emails (≤ 1000, one shared content); outcomes in input order. */
  send(context: StepEmailContext, personalizations: readonly EmailPersonalization[]): Promise<EmailItemOutcome[]>;
}

export interface SequenceChannels {
  /** Null when Twilio is not configured: SMS steps wait (the enrollment is retried next run). */
  readonly sms: SmsProvider | null;
  /** Null when email is not configured: email steps wait (the enrollment is retried next run). */
  readonly email: SequenceEmailSender | null;
}
