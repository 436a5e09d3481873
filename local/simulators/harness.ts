/**
 * The provider simulator harness: everything a loopback simulator (Twilio, SendGrid, Indeed,
 * Drop Cowboy, …) is built from. See docs/simulators.md.
 */
export { ManualClock, SeededRandom, systemClock, type SimClock } from './harness/clock';
export { advanceBy, earliest, flushAll, manualClockOf, type Drivable } from './harness/drive';
export {
  escapeHtml,
  html,
  renderConsolePage,
  type ConsoleActionSpec,
  type ConsoleField,
  type ConsolePage,
  type ConsoleSection,
  type MagicRow,
  type TrustedHtml,
} from './harness/console';
export { assertNever, dialectError, problemJson, sendGridError, twilioError, type ErrorDialect, type SendGridErrorItem } from './harness/errors';
export {
  BodyParseError,
  checkBasicAuth,
  checkBearer,
  emptyResponse,
  encodeForm,
  formEntries,
  formValue,
  formValues,
  htmlResponse,
  jsonResponse,
  parseBasicAuth,
  parseBearer,
  parseForm,
  parseJson,
  redirectResponse,
  safeEqual,
  textResponse,
  type BasicCredentials,
  type FormParams,
  type RouteHandler,
  type SimRequest,
  type SimResponse,
  type SimResponseBody,
} from './harness/http';
export { MagicTable, normalizeEmail, normalizePhone, type MagicResolution, type MagicRule, type MagicTableOptions } from './harness/magic';
export { REDACTED, RequestLog, RingBuffer, redactHeaders, type RequestLogEntry, type RequestLogQuery } from './harness/requestLog';
export { Router, type HttpMethod, type RouteMatch } from './harness/router';
export { SimServer, type SimServerOptions } from './harness/server';
export {
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  dropCowboySignature,
  dropCowboySigner,
  generateSendGridKeyPair,
  indeedSignature,
  indeedSigner,
  sendGridEventBatchBody,
  sendGridKeyPairFromPem,
  sendGridSignature,
  sendGridSigner,
  twilioBodyHash,
  twilioSignature,
  twilioSignedPayload,
  twilioSigner,
  twilioUrlWithBodyHash,
  type SendGridKeyPair,
  type SignContext,
  type SignResult,
  type WebhookSigner,
} from './harness/signing';
export { Simulator, type ConsoleActionHandler, type SimulatorDescription, type SimulatorOptions } from './harness/simulator';
export {
  NO_RETRY,
  WebhookQueue,
  shouldRetry,
  type DeliveryLogEntry,
  type DeliveryOutcome,
  type PendingWebhook,
  type RetryOn,
  type RetryPolicy,
  type ScheduleInput,
  type WebhookQueueKnobs,
  type WebhookQueueOptions,
} from './harness/webhookQueue';
export { DEFAULT_CREDENTIALS, DROP_COWBOY_RETRY, SENDGRID_RETRY, TWILIO_RETRY, localSendGridWebhookKey } from './harness/defaults';
