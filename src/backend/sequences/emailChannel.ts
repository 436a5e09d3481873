/**
 * The sequence email port on the email channel (src/backend/email/): a step's email is composed
 * exactly as a campaign email is — the carrier's sender, per-recipient subject and substitutions,
 * the CAN-SPAM footer with the carrier's postal address, one-click List-Unsubscribe headers and an
 * unsubscribe link token naming our message — and sent through the same `EmailProvider` (the real
 * `@sendgrid/mail` in src/backend/adapters/emailSendGrid.ts). custom_args carry our message id and
 * the sequence, so the SendGrid Event Webhook updates the step's EmailMessages record.
 */
import { sendGridFromSecrets } from '../adapters/emailSendGrid';
import { createComposer, personalizationFor, requestFor, type ComposerCampaign, type EmailComposer } from '../email/compose';
import { EmailProviderError, type EmailPersonalization, type EmailProvider } from '../email/provider';
import { createLogger } from '../platform';
import type { EmailItemOutcome, SequenceEmailSender, StepEmailContext } from './ports';

const log = createLogger('sequences.email');

/** custom_args of a sequence email (SendGrid echoes them on every event). */
export const SEQUENCE_EMAIL_ARGS = Object.freeze({ messageId: 'message_id', sequenceId: 'sequence_id', carrierDot: 'carrier_dot' } as const);

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

/** `personalizations.12.to.0.email` → 12. */
function personalizationIndex(field: string | null): number | null {
  const m = field ? /^personalizations\.(\d+)\./.exec(field) : null;
  return m?.[1] !== undefined ? Number(m[1]) : null;
}

export interface EmailSenderOptions {
  readonly provider: EmailProvider;
  readonly publicBaseUrl: string;
  readonly unsubscribeSecret: string;
  /** Attempts per request on 429 / unreachable (default 3). */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createSequenceEmailSender(options: EmailSenderOptions): SequenceEmailSender {
  const composers = new Map<string, EmailComposer | null>();
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = options.maxAttempts ?? 3;
  const composerFor = (context: StepEmailContext): EmailComposer | null => {
    const key = `${context.sequence._id}.v${context.version}.s${context.step.step_number}`;
    if (!composers.has(key)) {
      const campaign = composerCampaign(context);
      composers.set(key, campaign ? createComposer({ campaign, carrier: context.carrier, recruiter: context.recruiter, job: context.job, publicBaseUrl: options.publicBaseUrl, unsubscribeSecret: options.unsubscribeSecret }) : null);
    }
    return composers.get(key) ?? null;
  };

  const sendOnce = async (composer: EmailComposer, list: readonly EmailPersonalization[], allowSplit: boolean): Promise<EmailItemOutcome[]> => {
    let last = 'not sent';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) await sleep(Math.min(8_000, 500 * 2 ** (attempt - 2)));
      try {
        const { messageId } = await options.provider.send(requestFor(composer, list));
        return list.map(() => ({ kind: 'accepted', providerMessageId: messageId }));
      } catch (error) {
        if (!(error instanceof EmailProviderError)) throw error;
        last = error.message;
        switch (error.kind) {
          case 'rejected': {
            const bad = new Set(error.fieldErrors.map((f) => personalizationIndex(f.field)).filter((i): i is number => i !== null && i < list.length));
            const rejected: EmailItemOutcome = { kind: 'rejected', code: String(error.status ?? 'rejected'), reason: error.message.slice(0, 500) };
            if (!allowSplit || bad.size === 0 || bad.size === list.length) return list.map(() => rejected);
            // SendGrid refuses the whole request for one bad personalization: send the others again once.
            const good = list.filter((_, i) => !bad.has(i));
            const retried = await sendOnce(composer, good, false);
            let next = 0;
            return list.map((_, i) => (bad.has(i) ? rejected : (retried[next++] ?? rejected)));
          }
          case 'rate_limited':
          case 'unreachable':
            break;
          case 'unavailable':
            return list.map(() => ({ kind: 'unconfirmed', reason: error.message.slice(0, 500) }));
        }
      }
    }
    return list.map(() => ({ kind: 'retry', reason: last.slice(0, 500) }));
  };

  return {
    personalize(context, recipient) {
      const composer = composerFor(context);
      if (!composer) return { ok: false, subject: context.step.subject, reason: 'The carrier has no sender email address (Carriers.email_from_address)' };
      const built = personalizationFor(composer, recipient);
      if (!built.ok) return { ok: false, subject: built.subject, reason: built.reason };
      const customArgs = { [SEQUENCE_EMAIL_ARGS.messageId]: recipient.messageId, [SEQUENCE_EMAIL_ARGS.sequenceId]: context.sequence._id, [SEQUENCE_EMAIL_ARGS.carrierDot]: context.carrier.carrier_dot };
      return { ok: true, subject: built.subject, personalization: { ...built.personalization, customArgs } };
    },
    async send(context, personalizations) {
      const composer = composerFor(context);
      if (!composer) return personalizations.map(() => ({ kind: 'rejected', code: 'no_sender', reason: 'The carrier has no sender email address' }));
      if (personalizations.length === 0) return [];
      return sendOnce(composer, personalizations, true);
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
