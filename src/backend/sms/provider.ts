/**
 * The SMS provider seam: what the sender, the webhooks and reconciliation need from Twilio. The
 * adapter (src/backend/adapters/smsTwilio.ts) implements it with the real `twilio` SDK; tests may
 * wrap it to inject faults.
 */

/** A message as the provider reports it. */
export interface ProviderMessage {
  readonly sid: string;
  readonly to: string;
  readonly body: string;
  /** Twilio's status word (`queued`, `sent`, `delivered`, …). */
  readonly status: string;
  readonly errorCode: number | null;
  readonly errorMessage: string | null;
  /** USD, positive; null until Twilio prices the message. */
  readonly price: number | null;
  readonly segments: number | null;
  readonly dateCreated: Date | null;
  readonly dateSent: Date | null;
}

export interface SendSmsRequest {
  readonly to: string;
  readonly body: string;
  /** Full StatusCallback URL, or null when statuses are reconciled in bulk. */
  readonly statusCallback: string | null;
}

/**
 * Why a provider call failed:
 * - `rejected`: Twilio refused this message (4xx with an error code): final, never retried;
 * - `rate_limited`: 429 — nothing was created, safe to retry;
 * - `unavailable`: 5xx or a timeout / dropped connection — the message MAY exist: look it up before retrying.
 */
export type ProviderFailureKind = 'rejected' | 'rate_limited' | 'unavailable';

export class SmsProviderError extends Error {
  constructor(
    readonly kind: ProviderFailureKind,
    readonly code: number | null,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}

export interface ListSentWindow {
  /** Inclusive. */
  readonly sentAfter: Date;
  /** Exclusive. */
  readonly sentBefore: Date;
  readonly pageSize: number;
}

export interface SmsProvider {
  /** Sends one message; throws SmsProviderError for the known failures and anything else for bugs. */
  send(request: SendSmsRequest): Promise<ProviderMessage>;
  fetch(sid: string): Promise<ProviderMessage | null>;
  /** The most recent messages to `to` (newest first), at most `limit`. */
  listTo(to: string, limit: number): Promise<ProviderMessage[]>;
  /** Outbound messages sent in a window, page by page (bulk status reconciliation). */
  listSent(window: ListSentWindow): AsyncGenerator<ProviderMessage[]>;
  /** Our inbound-webhook replies (opt-out confirmations, HELP) and recruiter replies. */
  reply(request: { readonly to: string; readonly body: string }): Promise<ProviderMessage>;
}
