/** SendGrid Event Webhook: verification, parsing, idempotent batch processing, receipt retention (docs/email-events.md). */
export { handleSendGridEventWebhook, SENDGRID_WEBHOOK_KEY_SECRET, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, TIMESTAMP_HEADER, type EventWebhookRequest, type EventWebhookResult } from './webhook';
export { processSendGridWebhook, type ApplySuppressions, type ProcessOptions, type ProcessReport } from './process';
export { EMAIL_CUSTOM_ARGS, LEGACY_EMAIL_CUSTOM_ARGS, parseSendGridEventBatch, SendGridEvent, SendGridEventBatch, SENDGRID_EVENT_TYPES, type ParsedBatch, type SendGridEventType } from './schema';
export { applyEvent, applyEvents, bounceTypeOf, providerRank, statusOfEvent, MAX_CLICKED_LINKS } from './merge';
export { suppressionChanges, type SuppressionChange } from './suppressions';
export { pruneSendGridEventReceipts, receiptIdOf, RECEIPT_RETENTION_MS, type PruneReport } from './receipts';
