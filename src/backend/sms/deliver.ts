/**
 * One send wave: provider calls with bounded concurrency, paced under the campaign rate limit and
 * the sender's throughput, retried with backoff on 429 / 5xx / timeouts. A failure that may have
 * created the message (5xx, timeout) is looked up at the provider before any retry, and so is a
 * message a killed run left `sending`: nothing is ever blindly resent.
 */
import { SmsProviderError, type ProviderMessage, type SmsProvider } from './provider';
import type { SendGate } from './gate';
import { effectOfTwilioError, type ErrorEffect } from './status';

export interface OutboundSms {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly statusCallback: string | null;
  /** When the first attempt started (the provider lookup window opens slightly before it). */
  readonly attemptedAt: Date;
}

export type Delivery =
  | { readonly id: string; readonly outcome: 'sent'; readonly message: ProviderMessage; readonly attempts: number }
  | { readonly id: string; readonly outcome: 'failed'; readonly code: string; readonly reason: string; readonly effect: ErrorEffect; readonly attempts: number }
  /** The send gate closed (campaign paused) before this message's provider call: it was never sent. */
  | { readonly id: string; readonly outcome: 'unsent'; readonly attempts: number };

export interface Pacer {
  /** `null` when the next send may start now; otherwise resolves when it may. */
  take(): Promise<void> | null;
}

export interface DeliveryOptions {
  readonly concurrency: number;
  /** Provider calls per message before it fails with the last error (≥ 1). */
  readonly maxAttempts: number;
  readonly pacer: Pacer;
  readonly sleep: (ms: number) => Promise<void>;
  /** Backoff before retry `attempt` (1-based), in ms. */
  readonly backoffMs: (attempt: number) => number;
  /** Asked right before every provider call (see gate.ts); none: always open. */
  readonly gate?: SendGate;
  /** Provider calls in flight, shared by overlapping waves (see {@link createSlots}); none: `concurrency` per wave. */
  readonly slots?: Slots;
}

/** A counting semaphore for provider calls: overlapping waves together stay within one bound. */
export interface Slots {
  /** `null` when a slot was free and is now taken; otherwise resolves once one is handed over. */
  acquire(): Promise<void> | null;
  release(): void;
}

export function createSlots(size: number): Slots {
  let free = Math.max(1, size);
  const waiting: (() => void)[] = [];
  return {
    acquire() {
      if (free > 0) {
        free -= 1;
        return null;
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
}

export const realSleep = (ms: number): Promise<void> => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)));

/** Exponential backoff with full jitter, capped (ms). */
export function jitteredBackoff(baseMs: number, capMs: number): (attempt: number) => number {
  return (attempt) => Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 1)));
}

/**
 * Start times spaced by the tighter of the campaign rate (messages/minute) and the sender's
 * throughput (messages/second), on the process's monotonic time (not the site clock).
 */
export function createPacer(input: { perMinute: number; senderPerSecond: number | null; sleep?: (ms: number) => Promise<void> }): Pacer {
  const perSecond = Math.min(input.perMinute / 60, input.senderPerSecond ?? Number.POSITIVE_INFINITY);
  const intervalMs = perSecond > 0 && Number.isFinite(perSecond) ? 1000 / perSecond : 0;
  const sleep = input.sleep ?? realSleep;
  let next = performance.now();
  return {
    take() {
      if (intervalMs === 0) return null;
      const now = performance.now();
      const start = Math.max(now, next);
      next = start + intervalMs;
      const wait = start - now;
      // Sub-millisecond debts are paid in bulk: a timer per message would cost more than it spaces.
      return wait >= 2 ? sleep(wait) : null;
    },
  };
}

const LOOKUP_SKEW_MS = 2 * 60_000;
const LOOKUP_LIMIT = 20;

/** The message we may already have sent to `to` with this body since the attempt started, if any. */
export async function findExistingSend(
  provider: SmsProvider,
  sms: Pick<OutboundSms, 'to' | 'body' | 'attemptedAt'>,
  claimed: SidClaims = { has: () => false, add: () => undefined, recordedElsewhere: async () => false },
): Promise<ProviderMessage | null> {
  const since = sms.attemptedAt.getTime() - LOOKUP_SKEW_MS;
  const recent = await provider.listTo(sms.to, LOOKUP_LIMIT);
  for (const m of recent) {
    if (m.body !== sms.body || (m.dateCreated !== null && m.dateCreated.getTime() < since) || claimed.has(m.sid)) continue;
    // Two records may share a phone and a body (duplicate driver profiles): a sid belongs to one of them only.
    if (await claimed.recordedElsewhere(m.sid)) continue;
    claimed.add(m.sid);
    return m;
  }
  return null;
}

/** Provider sids already matched to a record (this wave, or stored on another record). */
export interface SidClaims {
  has(sid: string): boolean;
  add(sid: string): void;
  recordedElsewhere(sid: string): Promise<boolean>;
}

async function deliverOne(provider: SmsProvider, sms: OutboundSms, options: DeliveryOptions, checkFirst: boolean, claims: SidClaims): Promise<Delivery> {
  let mayExist = checkFirst;
  let last: SmsProviderError | null = null;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
    if (attempt > 1) await options.sleep(options.backoffMs(attempt - 1));
    try {
      if (mayExist) {
        const existing = await findExistingSend(provider, sms, claims);
        if (existing) return { id: sms.id, outcome: 'sent', message: existing, attempts: attempt };
        mayExist = false;
      }
      // Both answer synchronously in the common case: no promise per message for pacing or the gate.
      const paced = options.pacer.take();
      if (paced) await paced;
      const open = options.gate ? options.gate.open() : true;
      if (!(typeof open === 'boolean' ? open : await open)) return { id: sms.id, outcome: 'unsent', attempts: attempt - 1 };
      const message = await provider.send({ to: sms.to, body: sms.body, statusCallback: sms.statusCallback });
      claims.add(message.sid);
      return { id: sms.id, outcome: 'sent', message, attempts: attempt };
    } catch (error) {
      if (!(error instanceof SmsProviderError)) throw error;
      last = error;
      switch (error.kind) {
        case 'rejected':
          return { id: sms.id, outcome: 'failed', code: String(error.code ?? error.status ?? 'rejected'), reason: error.message, effect: effectOfTwilioError(error.code), attempts: attempt };
        case 'rate_limited':
          break;
        case 'unavailable':
          mayExist = true;
          break;
      }
    }
  }
  const reason = last ? `gave up after ${options.maxAttempts} attempts: ${last.message}` : 'gave up';
  return { id: sms.id, outcome: 'failed', code: last?.kind === 'rate_limited' ? 'rate_limited' : 'provider_unavailable', reason, effect: 'none', attempts: options.maxAttempts };
}

/**
 * Sends a wave. `reconcile` lists the ids left `sending` by an earlier run: they are looked up
 * before anything is sent. Any error that is not a provider failure aborts the wave (and the run).
 * `onDispatched` is called once every message has been taken by a worker (the last calls may still
 * be running): the next wave may start then, sharing `options.slots`.
 */
export async function deliverWave(input: {
  provider: SmsProvider;
  messages: readonly OutboundSms[];
  reconcile: ReadonlySet<string>;
  options: DeliveryOptions;
  recordedElsewhere?: (sid: string) => Promise<boolean>;
  onDispatched?: () => void;
}): Promise<Delivery[]> {
  const { provider, messages, reconcile, options } = input;
  const seen = new Set<string>();
  const claims: SidClaims = { has: (sid) => seen.has(sid), add: (sid) => void seen.add(sid), recordedElsewhere: input.recordedElsewhere ?? (async () => false) };
  const results: Delivery[] = new Array<Delivery>(messages.length);
  let nextIndex = 0;
  let aborted: unknown = null;
  let dispatched = false;
  const dispatchedAll = (): void => {
    if (dispatched) return;
    dispatched = true;
    input.onDispatched?.();
  };
  const { slots } = options;
  const worker = async (): Promise<void> => {
    while (aborted === null) {
      const waiting = slots?.acquire();
      if (waiting) await waiting;
      const index = nextIndex;
      nextIndex += 1;
      const sms = messages[index];
      if (!sms || aborted !== null) {
        slots?.release();
        dispatchedAll();
        return;
      }
      if (index === messages.length - 1) dispatchedAll();
      try {
        results[index] = await deliverOne(provider, sms, options, reconcile.has(sms.id), claims);
      } catch (error) {
        aborted ??= error;
        throw error;
      } finally {
        slots?.release();
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, messages.length)) }, () => worker());
  const settled = await Promise.allSettled(workers);
  dispatchedAll();
  if (aborted !== null || settled.some((s) => s.status === 'rejected')) throw aborted;
  return results;
}
