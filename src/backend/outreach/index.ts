/**
 * The outreach core's public API: channel-independent, pure TypeScript (no Wix imports; storage
 * through ports). Channels (SMS, email, voicemail, sequences) call these.
 */
export { toE164, isValidPhone, areaCodeOf, stateForPhone, timeZonesForPhone } from './phones';
export { recipientLocation, zonesOfState, type LocatableDriver } from './location';
export { checkContactWindow, NoContactWindowError, type RecipientLocation, type WindowCheck, type WindowCheckInput } from './contactWindow';
export { countSmsSegments, smsCost, composerCounter, DEFAULT_SMS_PRICE_PER_SEGMENT, type SmsEncoding, type SmsSegmentCount, type ComposerCounter } from './sms';
export { nextCronRun, nextCronRuns, nextRecurringRun, describeRecurringSchedule, cronForRecurringChoice, CronExpressionError } from './cron';
export { TEMPLATE_VARIABLES, variablesForChannel, type TemplateVariableName } from './variables';
export { parseTemplate, validateTemplate, renderTemplate, previewTemplate, templateValuesFor, type TemplateDriver } from './templates';
export { WAVE_DRIVER_FIELDS, type WaveDriver } from './waveDriver';
export { assignVariant, twoProportionZTest, probabilityToBeBest, minimumSampleSize, summarizeExperiment } from './experiments';
export {
  decideContact,
  decideContactBatch,
  classifyInboundMessage,
  handleInboundSms,
  ensureSenderIdentification,
  type DecisionDriver,
  type ComplianceStore,
  type ContactDecision,
  type ContactHistory,
} from './compliance';
export { estimateAudience, streamAudience, createAudienceService, reachabilityOf, type AudienceEstimate, type AudiencePorts } from './audience';
