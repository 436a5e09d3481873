/** The step job's channels from the Secrets Manager: Twilio for SMS steps, SendGrid for email steps (each optional). */
import { twilioFromSecrets } from '../adapters/smsTwilio';
import { createLogger } from '../platform';
import { sequenceEmailSenderFromSecrets } from './emailChannel';
import type { SequenceChannels } from './ports';

const log = createLogger('sequences.channels');

export async function sequenceChannelsFromSecrets(): Promise<SequenceChannels> {
  const [sms, email] = await Promise.all([
    twilioFromSecrets().then(
      ({ provider }) => provider,
      (error: unknown) => {
        log.warn('SMS is not configured; sequence SMS steps wait', { error });
        return null;
      },
    ),
    sequenceEmailSenderFromSecrets(),
  ]);
  return { sms, email };
}
