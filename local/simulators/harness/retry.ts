/** Webhook retry policies: which failures are retried, and the backoff between attempts. */
import { assertNever } from './errors';

/** Which failures are retried (per provider): SendGrid retries any non-2xx; Twilio by default only connection failures; Drop Cowboy 408/429/5xx/timeouts. */
export type RetryOn = 'non-2xx-or-connection' | 'connection-only' | 'timeout-408-429-5xx' | 'never';

export interface RetryPolicy {
  /** Delay before retry n (n = 1, 2, …); its length is the number of retries. */
  readonly backoffMs: readonly number[];
  readonly on: RetryOn;
}

export const NO_RETRY: RetryPolicy = Object.freeze({ backoffMs: Object.freeze([]), on: 'never' });

export function shouldRetry(on: RetryOn, failure: { status: number } | { error: string }): boolean {
  switch (on) {
    case 'never':
      return false;
    case 'non-2xx-or-connection':
      return true;
    case 'connection-only':
      return 'error' in failure;
    case 'timeout-408-429-5xx':
      // Timeouts and refused connections count as retryable failures, like a 5xx.
      return 'error' in failure || failure.status === 408 || failure.status === 429 || failure.status >= 500;
    default:
      return assertNever(on);
  }
}

