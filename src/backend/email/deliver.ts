/**
 * One Mail Send request for a wave, with the retry rules (docs/email-campaigns.md "Retries"):
 * - 429 and "never reached SendGrid" (connection refused, DNS): retried with backoff in the run;
 * - 400 naming personalizations (`personalizations.7.to.0.email`): those recipients fail with
 *   SendGrid's message and the rest of the wave is sent again (nothing of a 400 was accepted);
 * - other refusals (400 about the request, 401, 403, 413): the whole wave is refused;
 * - 5xx, timeouts, dropped connections: SendGrid may have accepted the request. It is NOT retried:
 *   the wave stays `queued` without `sent_at` until SendGrid's events (or their absence while other
 *   events flow) tell whether it was accepted (unconfirmed.ts).
 * The send gate is asked before every call, so a pause stops retries too.
 */
import type { SendGate } from '../sms/gate';
import { EmailProviderError, type EmailPersonalization, type EmailProvider, type EmailSendRequest, type ProviderFieldError } from './provider';

export interface RequestRetryOptions {
  /** Calls per wave before giving up on 429 / unreachable (≥ 1). */
  readonly maxAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Backoff before retry `attempt` (1-based), in ms. */
  readonly backoffMs: (attempt: number) => number;
  readonly gate?: SendGate;
}

/** What happened to each personalization of a wave (by index). */
export type WaveOutcome =
  /** Accepted: `messageId` is SendGrid's X-Message-Id for `accepted` (indexes into the wave). */
  | { readonly kind: 'sent'; readonly messageId: string; readonly accepted: readonly number[]; readonly refused: readonly RefusedRecipient[]; readonly attempts: number }
  /** SendGrid refused the request as a whole (nothing accepted). */
  | { readonly kind: 'refused'; readonly status: number | null; readonly reason: string; readonly refused: readonly RefusedRecipient[]; readonly attempts: number }
  /** 429 / unreachable on every attempt: nothing accepted, to be sent again later. */
  | { readonly kind: 'gave_up'; readonly code: 'rate_limited' | 'unreachable'; readonly reason: string; readonly refused: readonly RefusedRecipient[]; readonly attempts: number }
  /** 5xx / timeout: the request may have been accepted (`pending` = the indexes it carried). */
  | { readonly kind: 'unconfirmed'; readonly code: string; readonly reason: string; readonly pending: readonly number[]; readonly refused: readonly RefusedRecipient[]; readonly attempts: number }
  /** The gate closed (campaign paused) before a call: `pending` were never sent. */
  | { readonly kind: 'unsent'; readonly pending: readonly number[]; readonly refused: readonly RefusedRecipient[]; readonly attempts: number };

export interface RefusedRecipient {
  readonly index: number;
  readonly status: number;
  readonly reason: string;
}

export const realSleep = (ms: number): Promise<void> => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)));

/** Exponential backoff with full jitter, capped (ms). */
export function jitteredBackoff(baseMs: number, capMs: number): (attempt: number) => number {
  return (attempt) => Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
}

/** The personalization index a SendGrid field error names (`personalizations.12.…`), or null. */
export function personalizationIndexOf(error: ProviderFieldError): number | null {
  const m = /^personalizations\.(\d+)(?:\.|$)/.exec(error.field ?? '');
  return m ? Number(m[1]) : null;
}

/** Splits a 400's field errors onto the personalizations they name; null when some error is about the request itself. */
function refusedRecipients(error: EmailProviderError, sent: readonly number[]): Map<number, string> | null {
  if (error.status !== 400 || error.fieldErrors.length === 0) return null;
  const out = new Map<number, string>();
  for (const f of error.fieldErrors) {
    const at = personalizationIndexOf(f);
    const original = at === null ? undefined : sent[at];
    if (original === undefined) return null;
    out.set(original, [out.get(original), f.message].filter(Boolean).join('; '));
  }
  return out;
}

/** At most this many times a wave is re-sent without the recipients a 400 named. */
const MAX_SPLITS = 3;

/** Sends `personalizations` as one request (retrying what is safe to retry) and says what happened to each. */
export async function deliverRequest(input: {
  provider: EmailProvider;
  request: Omit<EmailSendRequest, 'personalizations'>;
  personalizations: readonly EmailPersonalization[];
  options: RequestRetryOptions;
}): Promise<WaveOutcome> {
  const { provider, request, options } = input;
  let remaining = input.personalizations.map((_, i) => i);
  const refused: RefusedRecipient[] = [];
  let attempts = 0;
  let splits = 0;
  let retries = 0;
  let last: EmailProviderError | null = null;
  while (remaining.length > 0) {
    if (retries > 0) await options.sleep(options.backoffMs(retries));
    if (options.gate && !(await options.gate.open())) return { kind: 'unsent', pending: remaining, refused, attempts };
    attempts += 1;
    try {
      const personalizations = remaining.map((i) => input.personalizations[i]).filter((p): p is EmailPersonalization => p !== undefined);
      const { messageId } = await provider.send({ ...request, personalizations });
      return { kind: 'sent', messageId, accepted: remaining, refused, attempts };
    } catch (error) {
      if (!(error instanceof EmailProviderError)) throw error;
      last = error;
      switch (error.kind) {
        case 'unavailable':
          return { kind: 'unconfirmed', code: error.status !== null ? `unconfirmed_${error.status}` : 'unconfirmed_network', reason: error.message, pending: remaining, refused, attempts };
        case 'rejected': {
          const named = refusedRecipients(error, remaining);
          if (!named || splits >= MAX_SPLITS) {
            return { kind: 'refused', status: error.status, reason: error.message, refused, attempts };
          }
          splits += 1;
          for (const [index, reason] of named) refused.push({ index, status: 400, reason });
          remaining = remaining.filter((i) => !named.has(i));
          retries = 0;
          break;
        }
        case 'rate_limited':
        case 'unreachable':
          retries += 1;
          if (retries >= options.maxAttempts) {
            return { kind: 'gave_up', code: error.kind, reason: `gave up after ${retries} attempts: ${error.message}`, refused, attempts };
          }
          break;
      }
    }
  }
  // Every recipient was refused by name.
  return { kind: 'refused', status: last?.status ?? 400, reason: last?.message ?? 'refused', refused, attempts };
}
