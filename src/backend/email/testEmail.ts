/**
 * A test email to the signed-in recruiter's own address: a saved campaign's content, or content
 * being composed, rendered with the recruiter standing in for the driver, subject prefixed `[TEST]`.
 * Composed exactly like campaign mail (footer, unsubscribe headers); no EmailMessages record.
 */
import * as z from 'zod';
import { emailAddress } from '../collections/common';
import type { EmailCampaign } from '../collections/email';
import type { Carrier, RecruiterProfile } from '../collections/people';
import { sendGridFromSecrets } from '../adapters/emailSendGrid';
import { now as clockNow } from '../platform';
import { UserFacingError } from '../service';
import { assertContent } from './campaigns';
import { createComposer, personalizationFor, requestFor, type ComposerCampaign } from './compose';
import { EmailProviderError } from './provider';
import { findJob } from './records';

export const TestEmailInput = z.union([
  z.object({ campaignId: z.string().min(1).max(200) }).strict(),
  z
    .object({
      subjectLine: z.string().trim().min(1).max(300),
      htmlContent: z.string().min(1).max(200_000).nullable().optional(),
      templateId: z.string().regex(/^d-[0-9a-f]{32}$/i).nullable().optional(),
      preheader: z.string().max(250).optional(),
      fromName: z.string().trim().min(1).max(100).optional(),
      fromEmail: emailAddress.optional(),
      unsubscribeGroupId: z.string().regex(/^[1-9]\d{0,9}$/).nullable().optional(),
    })
    .strict(),
]);
export type TestEmailInput = z.infer<typeof TestEmailInput>;

function draftCampaign(input: Exclude<TestEmailInput, { campaignId: string }>, carrier: Carrier): ComposerCampaign {
  const fromEmail = input.fromEmail ?? carrier.email_from_address;
  if (!fromEmail) throw new UserFacingError('Give a From address (fromEmail): the carrier has no default sending address.', 'INVALID_INPUT');
  return {
    _id: 'test',
    carrier_dot: carrier.carrier_dot,
    from_name: input.fromName ?? carrier.email_from_name ?? carrier.name,
    from_email: fromEmail,
    reply_to: null,
    subject_line: input.subjectLine,
    subject_variants: [],
    preheader: input.preheader ?? '',
    template_id: input.templateId ?? null,
    html_content: input.htmlContent ?? null,
    tracking: { opens: false, clicks: false },
    unsubscribe_group_id: input.unsubscribeGroupId ?? null,
  };
}

export async function sendTestEmailTo(args: {
  ctx: { carrier: Carrier; recruiter: RecruiterProfile; memberId: string };
  input: TestEmailInput;
  campaign: EmailCampaign | null;
}): Promise<{ sendgridId: string; to: string; subject: string }> {
  const { carrier, recruiter, memberId } = args.ctx;
  const campaign: ComposerCampaign = args.campaign ?? draftCampaign(args.input as Exclude<TestEmailInput, { campaignId: string }>, carrier);
  assertContent({ ...campaign, subject_variants: campaign.subject_variants }, carrier);
  const job = await findJob(carrier.carrier_dot, args.campaign?.job_posting_id ?? null);
  const { provider, config } = await sendGridFromSecrets();
  const composer = createComposer({ campaign, carrier, recruiter, job, publicBaseUrl: config.publicBaseUrl, unsubscribeSecret: config.unsubscribeSecret });
  const driver = { _id: `test-${memberId}`, first_name: recruiter.first_name, last_name: recruiter.last_name, cdl_class: 'A' as const, years_experience: 5, home_city: null, home_state: null };
  const messageId = `test.${memberId}.${clockNow().getTime().toString(36)}`;
  const built = personalizationFor(composer, { driver, email: recruiter.email.toLowerCase(), messageId });
  if (!built.ok) throw new UserFacingError(`The email can't be rendered: ${built.reason}`, 'INVALID_INPUT');
  const subject = `[TEST] ${built.subject}`;
  try {
    const { messageId: sendgridId } = await provider.send(requestFor(composer, [{ ...built.personalization, subject }], 'test'));
    return { sendgridId, to: recruiter.email, subject };
  } catch (error) {
    if (error instanceof EmailProviderError && error.kind === 'rejected') throw new UserFacingError(`SendGrid refused the test email: ${error.message}`, 'INVALID_INPUT');
    throw error;
  }
}
