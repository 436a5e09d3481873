/**
 * SMS message status rules (pure): how statuses rank so updates are monotonic, how Twilio's status
 * vocabulary maps onto ours, and what a Twilio error code means for the driver.
 */
import type { SmsMessageStatus } from '../collections/vocabulary';

/**
 * Rank of each status along the lifecycle. An update is applied only when it ranks higher than the
 * stored status, so duplicated or out-of-order callbacks (a late `sent` after `delivered`) change
 * nothing. Final states share the top rank: the first final status wins.
 */
export function statusRank(status: SmsMessageStatus): number {
  switch (status) {
    case 'pending':
      return 0;
    case 'held':
      return 1;
    case 'sending':
      return 2;
    case 'queued':
      return 3;
    case 'sent':
      return 4;
    case 'delivered':
    case 'undelivered':
    case 'failed':
    case 'canceled':
    case 'blocked':
      return 5;
  }
}

export function isFinalStatus(status: SmsMessageStatus): boolean {
  return statusRank(status) === 5;
}

/** True when `next` may replace `current` (strictly later in the lifecycle). */
export function advancesStatus(current: SmsMessageStatus, next: SmsMessageStatus): boolean {
  return statusRank(next) > statusRank(current);
}

/** Twilio's message status → ours; `null` for statuses that say nothing about an outbound message. */
export function fromTwilioStatus(status: string): SmsMessageStatus | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
      return 'queued';
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return null;
  }
}

/** What a Twilio error code means beyond "this message failed". */
export type ErrorEffect = 'opt_out' | 'phone_invalid' | 'landline' | 'none';

export function effectOfTwilioError(code: number | null): ErrorEffect {
  switch (code) {
    case 21610:
      return 'opt_out';
    case 21211:
    case 30005:
      return 'phone_invalid';
    case 21614:
    case 21635:
    case 30006:
      return 'landline';
    default:
      return 'none';
  }
}

/** Twilio returns `price` as a negative string ("-0.00790"); we store the positive USD amount. */
export function priceOf(price: string | number | null | undefined): number | null {
  if (price === null || price === undefined || price === '') return null;
  const n = typeof price === 'number' ? price : Number(price);
  return Number.isFinite(n) ? Math.abs(n) : null;
}
