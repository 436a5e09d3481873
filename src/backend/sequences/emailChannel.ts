/**
 * The sequence email port on the email channel (src/backend/email/): a step's email is composed
 * exactly as a campaign email is — the carrier's sender, per-recipient subject and substitutions,
 * the CAN-SPAM footer with the carrier's postal address, one-click List-Unsubscribe headers and an
 * unsubscribe link token naming our message — and sent through the same `EmailProvider` (the real
 * `@sendgrid/mail` in src/backend/adapters/emailSendGrid.ts) with the same retry rules
 * (`deliverRequest`, email/deliver.ts). custom_args carry our message id and the carrier (the
 * composer's `emailCustomArgs`: the record names the sequence), so the SendGrid Event Webhook updates
 * the step's EmailMessages record.
 */
import { sendGridFromSecrets } from '../adapters/emailSendGrid';
import { createComposer, personalizationFor, requestFor, type ComposerCampaign, type EmailComposer } from '../email/compose';
import { deliverRequest, jitteredBackoff, realSleep, type WaveOutcome } from '../email/deliver';
import type { EmailProvider } from '../email/provider';
import { createLogger } from '../platform';
import type { EmailItemOutcome, SequenceEmailSender, StepEmailContext } from './ports';

const log = createLogger('sequences.email');

function composerCampaign(context: StepEmailContext): ComposerCampaign | null {
  const { sequence, step, carrier, recruiter } = context;
  if (!carrier.email_from_address) return null;
  return {
    _id: sequence._id,
    carrier_dot: sequence.carrier_dot,
    from_name: carrier.email_from_name ?? carrier.name,
    from_email: carrier.email_from_address,
    reply_to: recruiter?.email ?? null,
    subject_line: step.subject,
    subject_variants: [],
    preheader: step.preheader,
    template_id: step.html_content ? null : (step.template_id ?? null),
    html_content: step.html_content ?? null,
    tracking: { opens: true, clicks: true },
    unsubscribe_group_id: null,
  };
}

export interface EmailSenderOptions {
  readonly provider: EmailProvider;
  readonly publicBaseUrl: string;
  readonly unsubscribeSecret: string;
  /** Calls per request on 429 / unreachable (default 3). */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The email channel's per-request outcome (email/deliver.ts), per personalization. */
export function itemOutcomes(count: number, outcome: WaveOutcome): EmailItemOutcome[] {
  const out: EmailItemOutcome[] = Array.from({ length: count }, () => ({ kind: 'retry', reason: 'not sent' }));
  for (const r of outcome.refused) out[r.index] = { kind: 'rejected', code: String(r.status), reason: r.reason };
  switch (outcome.kind) {
    case 'sent':
      for (const i of outcome.accepted) out[i] = { kind: 'accepted', providerMessageId: outcome.messageId };
      return out;
    case 'refused': {
      const refused = new Set(outcome.refused.map((r) => r.index));
      for (let i = 0; i < count; i += 1) if (!refused.has(i)) out[i] = { kind: 'rejected', code: String(outcome.status ?? 'refused'), reason: outcome.reason };
      return out;
    }
    case 'gave_up': {
      const refused = new Set(outcome.refused.map((r) => r.index));
      for (let i = 0; i < count; i += 1) if (!refused.has(i)) out[i] = { kind: 'retry', reason: outcome.reason };
      return out;
    }
    case 'unconfirmed':
      for (const i of outcome.pending) out[i] = { kind: 'unconfirmed', reason: outcome.reason };
      return out;
    case 'unsent':
      for (const i of outcome.pending) out[i] = { kind: 'retry', reason: 'not sent' };
      return out;
  }
}

export function createSequenceEmailSender(options: EmailSenderOptions): SequenceEmailSender {
  const composers = new Map<string, EmailComposer | null>();
  const retry = { maxAttempts: options.maxAttempts ?? 3, sleep: options.sleep ?? realSleep, backoffMs: jitteredBackoff(500, 8_000) };
  const composerFor = (context: StepEmailContext): EmailComposer | null => {
    const key = `${context.sequence._id}.v${context.version}.s${context.step.step_number}`;
    if (!composers.has(key)) {
      const campaign = composerCampaign(context);
      composers.set(key, campaign ? createComposer({ campaign, carrier: context.carrier, recruiter: context.recruiter, job: context.job, publicBaseUrl: options.publicBaseUrl, unsubscribeSecret: options.unsubscribeSecret }) : null);
    }
    return composers.get(key) ?? null;
  };

  return {
    personalize(context, recipient) {
      const composer = composerFor(context);
      if (!composer) return { ok: false, subject: context.step.subject, reason: 'The carrier has no sender email address (Carriers.email_from_address)' };
      const built = personalizationFor(composer, recipient);
      if (!built.ok) return { ok: false, subject: built.subject, reason: built.reason };
      // The composer's custom_args already name the step's message and the carrier.
      return { ok: true, subject: built.subject, personalization: built.personalization };
    },
    async send(context, personalizations) {
      const composer = composerFor(context);
      if (!composer) return personalizations.map(() => ({ kind: 'rejected', code: 'no_sender', reason: 'The carrier has no sender email address' }));
      if (personalizations.length === 0) return [];
      // The email channel's retry rules: 429 / unreachable retried, 400s naming recipients split off, 5xx / timeouts unconfirmed.
      const { personalizations: _none, ...request } = requestFor(composer, [], 'sequence');
      const outcome = await deliverRequest({ provider: options.provider, request, personalizations, options: retry });
      return itemOutcomes(personalizations.length, outcome);
    },
  };
}

/** The sender configured from the Secrets Manager, or null when SendGrid is not set up (email steps then wait). */
export async function sequenceEmailSenderFromSecrets(): Promise<SequenceEmailSender | null> {
  try {
    const { provider, config } = await sendGridFromSecrets();
    return createSequenceEmailSender({ provider, publicBaseUrl: config.publicBaseUrl, unsubscribeSecret: config.unsubscribeSecret });
  } catch (error) {
    log.warn('email is not configured; sequence email steps wait', { error });
    return null;
  }
}
