/**
 * Pure rules of the Twilio simulator: which recipient outcomes fail at create time, which DLR error
 * each asynchronous outcome carries, sticky sender choice, DLR dates, callback URL checks.
 */
import { DELIVERY_ERRORS, type DeliveryErrorCode, type RecipientOutcome, type RestErrorName } from './model';

export function createTimeError(outcome: RecipientOutcome): RestErrorName | null {
  switch (outcome) {
    case 'invalid':
      return 'invalidTo';
    case 'unroutable':
      return 'unroutable';
    case 'no-region-permission':
      return 'region';
    case 'unsubscribed':
      return 'unsubscribed';
    case 'landline':
      return 'notMobile';
    case 'deliver':
    case 'unreachable':
    case 'unknown-destination':
    case 'landline-carrier':
    case 'carrier-filtered':
    case 'unknown-error':
    case 'slow-delivery':
    case 'no-dlr':
    case 'reply-yes':
    case 'reply-question':
    case 'reply-stop':
      return null;
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

export function dlrError(outcome: RecipientOutcome): DeliveryErrorCode | null {
  switch (outcome) {
    case 'unreachable':
      return 30003;
    case 'unknown-destination':
      return 30005;
    case 'landline-carrier':
      return 30006;
    case 'carrier-filtered':
      return 30007;
    default:
      return null;
  }
}

export function deliveryError(code: DeliveryErrorCode): { code: number; message: string } {
  return { code, message: DELIVERY_ERRORS[code] };
}

/** Sticky sender: the same recipient always gets the same number of the pool. */
export function pickSender(pool: readonly string[], to: string): string | null {
  if (pool.length === 0) return null;
  let hash = 0;
  for (const ch of to) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return pool[hash % pool.length] ?? null;
}

/** Carrier DLR "done" date, `YYMMDDhhmm` UTC. */
export function rawDlrDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

export function isValidCallbackUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0 && !url.hostname.includes('_');
  } catch {
    return false;
  }
}
