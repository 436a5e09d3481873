/**
 * The email provider seam: what the campaign sender and the test email need from SendGrid. The
 * adapter (src/backend/adapters/emailSendGrid.ts) implements it with the real `@sendgrid/mail`;
 * tests may wrap it to inject faults.
 */

export interface EmailAddress {
  readonly email: string;
  readonly name?: string;
}

/**
 * One recipient of a request. `substitutions` fill the `{{key}}` tags of the shared HTML / text
 * content (keys without the braces); `dynamicTemplateData` feeds a dynamic (`d-…`) template.
 */
export interface EmailPersonalization {
  readonly to: EmailAddress;
  /** This recipient's rendered subject (overrides the request subject). */
  readonly subject: string;
  readonly substitutions?: Readonly<Record<string, string>>;
  readonly dynamicTemplateData?: Readonly<Record<string, string>>;
  /** Echoed on every SendGrid event of this email (our message id, campaign, carrier). */
  readonly customArgs: Readonly<Record<string, string>>;
  /** Email headers of this recipient (List-Unsubscribe, List-Unsubscribe-Post). */
  readonly headers: Readonly<Record<string, string>>;
}

/** One Mail Send request: one shared content, up to 1000 personalizations. */
export interface EmailSendRequest {
  readonly from: EmailAddress;
  readonly replyTo: EmailAddress | null;
  /** Default subject (each personalization carries its own). */
  readonly subject: string;
  /** Shared content with `{{key}}` substitution tags; null with a dynamic template. */
  readonly content: { readonly html: string; readonly text: string } | null;
  /** A SendGrid dynamic template (`d-…`), or null. */
  readonly templateId: string | null;
  readonly personalizations: readonly EmailPersonalization[];
  readonly categories: readonly string[];
  /** SendGrid unsubscribe group (ASM), or null. */
  readonly asmGroupId: number | null;
  readonly tracking: { readonly opens: boolean; readonly clicks: boolean };
  /** Appended by SendGrid to every email of the request (the CAN-SPAM footer of template campaigns). */
  readonly footer: { readonly html: string; readonly text: string } | null;
}

/** SendGrid caps a request at 1000 personalizations and 1000 recipients in all. */
export const MAX_PERSONALIZATIONS = 1000;

/** The wrapper around substitution keys in shared content: key `h3` is written `{{h3}}`. */
export const SUBSTITUTION_WRAPPERS = ['{{', '}}'] as const;

export function substitutionTag(key: string): string {
  return `${SUBSTITUTION_WRAPPERS[0]}${key}${SUBSTITUTION_WRAPPERS[1]}`;
}

/** A field SendGrid named in a 400 answer (`personalizations.12.to.0.email`). */
export interface ProviderFieldError {
  readonly message: string;
  readonly field: string | null;
}

/**
 * Why a Mail Send call failed:
 * - `rejected`: SendGrid refused the request (400, 401, 403, 413…): nothing was accepted; the
 *   field errors say which personalizations were at fault;
 * - `rate_limited`: 429 — nothing was accepted, safe to retry after a backoff;
 * - `unreachable`: the request never reached SendGrid (connection refused, DNS) — safe to retry;
 * - `unavailable`: 5xx, a timeout or a dropped connection — SendGrid MAY have accepted the whole
 *   request: never resend it blindly (see sender.ts, "unconfirmed requests").
 */
export type EmailFailureKind = 'rejected' | 'rate_limited' | 'unreachable' | 'unavailable';

export class EmailProviderError extends Error {
  constructor(
    readonly kind: EmailFailureKind,
    readonly status: number | null,
    message: string,
    readonly fieldErrors: readonly ProviderFieldError[] = [],
  ) {
    super(message);
    this.name = 'EmailProviderError';
  }
}

export interface EmailProvider {
  /**
   * Sends one request; resolves with SendGrid's `X-Message-Id` (each recipient's `sg_message_id`
   * starts with it). Throws EmailProviderError for the known failures and anything else for bugs.
   */
  send(request: EmailSendRequest): Promise<{ readonly messageId: string }>;
}
