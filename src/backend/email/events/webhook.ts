/**
 * The SendGrid Event Webhook request, from raw bytes to a response status. Order matters: the key,
 * the timestamp and the ECDSA signature over `timestamp + raw body` (exactly as received — never a
 * re-serialised body) are checked before anything is parsed, read or written; then the JSON; then
 * the batch is applied.
 *
 * | outcome | status |
 * |---|---|
 * | key secret missing, stale/future timestamp, bad or missing signature | 403, nothing read or written |
 * | body not JSON, or not an array of objects | 400, nothing written |
 * | applied (including all-duplicate replays) | 200 |
 * | a data failure, or receipts Wix refused | 500 (SendGrid retries the same bytes) |
 */
import { createLogger, getOptionalSecret, nowMs } from '../../platform';
import { isTimestampFresh, verifySendGridSignature } from '../../providers';
import { processSendGridWebhook, type ProcessOptions, type ProcessReport } from './process';
import { parseSendGridEventBatch } from './schema';

const log = createLogger('sendgrid-webhook');

/** The secret holding the Event Webhook verification key (base64 DER SPKI from SendGrid's settings). */
export const SENDGRID_WEBHOOK_KEY_SECRET = 'SENDGRID_WEBHOOK_PUBLIC_KEY';
/** A signed request older or newer than this is refused (replay window; SendGrid re-signs every retry). */
export const SIGNATURE_TOLERANCE_SECONDS = 600;
export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

export interface EventWebhookRequest {
  /** The body bytes exactly as received. */
  readonly rawBody: Uint8Array;
  readonly signature: string | null;
  readonly timestamp: string | null;
}

export type EventWebhookResult =
  | { readonly status: 403; readonly reason: 'not_configured' | 'stale_timestamp' | 'bad_signature' }
  | { readonly status: 400; readonly reason: 'malformed_json' | 'not_an_event_array' }
  | { readonly status: 200; readonly report: ProcessReport & { readonly invalid: number; readonly unsupported: number } }
  | { readonly status: 500; readonly reason: 'receipts_refused' | 'processing_failed' };

/** Signature and freshness from the raw bytes; no data access. */
async function verify(request: EventWebhookRequest): Promise<EventWebhookResult | null> {
  const publicKey = await getOptionalSecret(SENDGRID_WEBHOOK_KEY_SECRET);
  if (!publicKey) {
    log.error('SendGrid event webhook refused: the verification key secret is not configured', { secret: SENDGRID_WEBHOOK_KEY_SECRET });
    return { status: 403, reason: 'not_configured' };
  }
  if (!isTimestampFresh({ timestamp: request.timestamp, nowMs: nowMs(), toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS })) {
    log.warn('SendGrid event webhook refused: timestamp missing or outside the tolerance', { toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS });
    return { status: 403, reason: 'stale_timestamp' };
  }
  if (!verifySendGridSignature({ publicKey, payload: request.rawBody, signature: request.signature, timestamp: request.timestamp })) {
    log.warn('SendGrid event webhook refused: signature does not verify', { bytes: request.rawBody.byteLength });
    return { status: 403, reason: 'bad_signature' };
  }
  return null;
}

function decodeJson(raw: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) };
  } catch {
    return { ok: false };
  }
}

export async function handleSendGridEventWebhook(request: EventWebhookRequest, options: ProcessOptions = {}): Promise<EventWebhookResult> {
  const refused = await verify(request);
  if (refused) return refused;
  const json = decodeJson(request.rawBody);
  if (!json.ok) return { status: 400, reason: 'malformed_json' };
  const batch = parseSendGridEventBatch(json.value);
  if (!batch) return { status: 400, reason: 'not_an_event_array' };
  if (batch.invalid > 0 || batch.unsupported > 0) log.warn('events skipped', { invalid: batch.invalid, unsupported: batch.unsupported });
  try {
    const report = await processSendGridWebhook(batch.events, options);
    if (report.receiptFailures > 0) return { status: 500, reason: 'receipts_refused' };
    return { status: 200, report: { ...report, invalid: batch.invalid, unsupported: batch.unsupported } };
  } catch (error) {
    log.error('SendGrid event batch failed; SendGrid will retry it', { events: batch.events.length, error });
    return { status: 500, reason: 'processing_failed' };
  }
}
