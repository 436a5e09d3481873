/** Provider adapters: SDK clients (with optional simulator overrides) and webhook signature checks. */
export { configureSendGrid, type ConfigureSendGridOptions, type SendGridMailService } from './sendgridClient';
export {
  isTimestampFresh,
  twilioExpectedSignature,
  verifyDropCowboySignature,
  verifyIndeedSignature,
  verifySendGridSignature,
  verifyTwilioSignature,
  type VerifySendGridSignatureInput,
  type VerifyTwilioSignatureInput,
  type WebhookFormParams,
} from './signatures';
export { createTwilioClient, rewriteTwilioUri, RewritingRequestClient, type CreateTwilioClientOptions, type TwilioClient } from './twilioClient';
