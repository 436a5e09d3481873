/** The compliance engine: decisions (single and batch), inbound keywords, sender identification, audit. */
export { decideContact, evaluateContact, type ContactEvaluation } from './decide';
export {
  decideContactBatch,
  decideContactBatchWith,
  contactEventQueryFor,
  MAX_BATCH_SIZE,
  type ContactBatchInput,
  type ContactBatchData,
  type ContactBatchDecisions,
  type ContactBatchResult,
} from './batch';
export { hasProvenance, optOutStateOf, type OptOutState } from './blocks';
export { capHold, stateCapOf, STATE_CAP_PER_24H, DEFAULT_SMS_DAILY_CAP } from './caps';
export { classifyInboundMessage, normaliseInbound, OPT_OUT_KEYWORDS, OPT_IN_KEYWORDS, HELP_KEYWORDS, type InboundClassification } from './keywords';
export { applyInboundKeyword, handleInboundSms, optOutRecordFor, optOutId, type InboundInput, type InboundOutcome, type InboundEffect } from './inbound';
export { ensureSenderIdentification, helpReply, optOutConfirmation, optInConfirmation, displayPhone } from './replies';
export { auditEntryForDecision, eventAuditEntry } from './audit';
export type { ComplianceStore, ContactEventQuery, DataRequests, InboundChanges, NewContactEvent } from './ports';
export * from './types';
