/**
 * A clock-driven webhook delivery queue. Real providers deliver callbacks late, sometimes twice,
 * out of order, and retry on failures; this queue does all four deterministically (seeded PRNG)
 * on an injectable clock.
 *
 * Tests: `ManualClock` + `advance(ms)` / `runDue()` / `flush()`. Running host: `start()` polls the
 * (possibly accelerated) host clock with a real timer.
 */
import { ManualClock, SeededRandom, type SimClock } from './clock';
import { RingBuffer } from './requestLog';
import { NO_RETRY, shouldRetry, type RetryPolicy } from './retry';
import type { WebhookSigner } from './signing';

export { NO_RETRY, shouldRetry, type RetryOn, type RetryPolicy } from './retry';

export interface WebhookQueueKnobs {
  /** Extra delay [min, max] ms added to each webhook's `at`. */
  readonly delayMs: readonly [number, number];
  /** Probability (0..1) that a webhook is delivered a second time. */
  readonly duplicateRate: number;
  /** Up to this many ms of random extra delay per delivery: deliveries scheduled close together swap order. */
  readonly reorderJitterMs: number;
  readonly retry: RetryPolicy;
}

export interface WebhookQueueOptions extends Partial<WebhookQueueKnobs> {
  readonly clock: SimClock;
  readonly seed?: number;
  /** Real-time per-attempt timeout (the receiver's answer deadline). Default 15 s. */
  readonly timeoutMs?: number;
  /** Deliveries in flight at once during a run. Default 1 (strict due order). */
  readonly concurrency?: number;
  readonly logCapacity?: number;
  readonly fetch?: typeof globalThis.fetch;
}

export interface ScheduleInput {
  /** Earliest delivery time, epoch ms on the queue's clock; default now. Delay and jitter are added. */
  readonly at?: number;
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
  readonly sign?: WebhookSigner;
  /** Shown in logs and on the console, e.g. "status delivered SM…". */
  readonly label?: string;
  /** Deliver exactly at `at`: no delay, jitter or random duplicate (per-webhook override of the knobs). */
  readonly exact?: boolean;
  /** Force (true) or forbid (false) a duplicate delivery regardless of `duplicateRate`. */
  readonly duplicate?: boolean;
  readonly retry?: RetryPolicy;
}

export interface PendingWebhook {
  readonly id: string;
  readonly label: string;
  readonly url: string;
  readonly method: string;
  readonly dueAt: number;
  readonly attempt: number;
  /** Id of the webhook this one duplicates, or null for an original. */
  readonly duplicateOf: string | null;
}

export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'rejected'; readonly status: number; readonly retryAt: number | null }
  | { readonly kind: 'connection-error'; readonly error: string; readonly retryAt: number | null };

export interface DeliveryLogEntry {
  readonly seq: number;
  readonly webhookId: string;
  readonly label: string;
  readonly url: string;
  readonly method: string;
  readonly attempt: number;
  readonly at: number;
  readonly duplicateOf: string | null;
  readonly outcome: DeliveryOutcome;
  readonly responsePreview: string;
}

interface QueueItem {
  readonly id: string;
  readonly seq: number;
  readonly label: string;
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly sign: WebhookSigner | undefined;
  readonly retry: RetryPolicy;
  readonly duplicateOf: string | null;
  dueAt: number;
  attempt: number;
}

export class WebhookQueue {
  readonly clock: SimClock;
  #knobs: WebhookQueueKnobs;
  readonly #random: SeededRandom;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #fetch: typeof globalThis.fetch;
  readonly #log: RingBuffer<DeliveryLogEntry>;
  #items: QueueItem[] = [];
  #seq = 0;
  #logSeq = 0;
  #running: Promise<DeliveryLogEntry[]> | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly stats = { scheduled: 0, duplicated: 0, attempts: 0, delivered: 0, retried: 0, gaveUp: 0 };

  constructor(options: WebhookQueueOptions) {
    this.clock = options.clock;
    this.#knobs = {
      delayMs: options.delayMs ?? [0, 0],
      duplicateRate: options.duplicateRate ?? 0,
      reorderJitterMs: options.reorderJitterMs ?? 0,
      retry: options.retry ?? NO_RETRY,
    };
    validateKnobs(this.#knobs);
    this.#random = new SeededRandom(options.seed ?? 1);
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#log = new RingBuffer<DeliveryLogEntry>(options.logCapacity ?? 1000);
  }

  get knobs(): WebhookQueueKnobs {
    return this.#knobs;
  }

  /** Changes knobs for webhooks scheduled from now on (console controls, tests). */
  configure(knobs: Partial<WebhookQueueKnobs>): void {
    const next = { ...this.#knobs, ...knobs };
    validateKnobs(next);
    this.#knobs = next;
  }

  /** Queues a webhook (and maybe its duplicate). Returns the pending entries created. */
  schedule(input: ScheduleInput): PendingWebhook[] {
    const base = input.at ?? this.clock.now();
    const exact = input.exact ?? false;
    const [minDelay, maxDelay] = this.#knobs.delayMs;
    const dueAt = exact ? base : base + this.#random.int(minDelay, maxDelay) + this.#random.int(0, this.#knobs.reorderJitterMs);
    const original = this.#enqueue(input, dueAt, null);
    const created = [original];
    const duplicate = input.duplicate ?? (!exact && this.#random.chance(this.#knobs.duplicateRate));
    if (duplicate) {
      const spread = Math.max(1_000, maxDelay - minDelay + this.#knobs.reorderJitterMs);
      created.push(this.#enqueue(input, dueAt + this.#random.int(0, spread), original.id));
      this.stats.duplicated += 1;
    }
    this.stats.scheduled += 1;
    return created.map(toPending);
  }

  #enqueue(input: ScheduleInput, dueAt: number, duplicateOf: string | null): QueueItem {
    this.#seq += 1;
    const item: QueueItem = {
      id: `wh_${this.#seq}`,
      seq: this.#seq,
      label: input.label ?? `${input.method ?? 'POST'} ${input.url}`,
      url: input.url,
      method: (input.method ?? 'POST').toUpperCase(),
      headers: lowerCaseKeys(input.headers ?? {}),
      body: typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body,
      sign: input.sign,
      retry: input.retry ?? this.#knobs.retry,
      duplicateOf,
      dueAt,
      attempt: 0,
    };
    this.#items.push(item);
    return item;
  }

  /** Pending webhooks, soonest first. */
  pending(): PendingWebhook[] {
    return [...this.#items].sort(byDue).map(toPending);
  }

  get pendingCount(): number {
    return this.#items.length;
  }

  /** Due time of the next pending webhook, or null. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const item of this.#items) if (next === null || item.dueAt < next) next = item.dueAt;
    return next;
  }

  cancel(id: string): boolean {
    const before = this.#items.length;
    this.#items = this.#items.filter((i) => i.id !== id);
    return this.#items.length < before;
  }

  clear(): void {
    this.#items = [];
  }

  /** Delivery attempts, oldest first. */
  deliveries(filter: { label?: string | RegExp; webhookId?: string } = {}): DeliveryLogEntry[] {
    return this.#log.toArray().filter((e) => {
      if (filter.webhookId !== undefined && e.webhookId !== filter.webhookId) return false;
      if (filter.label !== undefined) return typeof filter.label === 'string' ? e.label === filter.label : filter.label.test(e.label);
      return true;
    });
  }

  /** Delivers everything due now (retries that fall due during the run included). Runs never overlap. */
  runDue(): Promise<DeliveryLogEntry[]> {
    if (this.#running) return this.#running.then(() => this.runDue());
    const run = this.#runDueOnce().finally(() => {
      this.#running = null;
    });
    this.#running = run;
    return run;
  }

  async #runDueOnce(): Promise<DeliveryLogEntry[]> {
    const results: DeliveryLogEntry[] = [];
    for (;;) {
      const now = this.clock.now();
      const due = this.#items.filter((i) => i.dueAt <= now).sort(byDue);
      if (due.length === 0) return results;
      this.#items = this.#items.filter((i) => i.dueAt > now);
      let cursor = 0;
      const worker = async (): Promise<void> => {
        while (cursor < due.length) {
          const item = due[cursor];
          cursor += 1;
          if (item) results.push(await this.#attempt(item));
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.#concurrency, due.length) }, worker));
    }
  }

  /** Moves a `ManualClock` forward, delivering each webhook at its own due time on the way. */
  async advance(ms: number): Promise<DeliveryLogEntry[]> {
    const clock = this.#manualClock();
    const target = clock.now() + ms;
    const results: DeliveryLogEntry[] = [];
    for (;;) {
      const next = this.nextDueAt();
      if (next === null || next > target) break;
      if (next > clock.now()) clock.set(next);
      results.push(...(await this.runDue()));
    }
    clock.set(target);
    results.push(...(await this.runDue()));
    return results;
  }

  /** Advances a `ManualClock` until nothing is pending (retries included). */
  async flush(maxSteps = 100_000): Promise<DeliveryLogEntry[]> {
    const clock = this.#manualClock();
    const results: DeliveryLogEntry[] = [];
    for (let step = 0; step < maxSteps; step += 1) {
      const next = this.nextDueAt();
      if (next === null) return results;
      if (next > clock.now()) clock.set(next);
      results.push(...(await this.runDue()));
    }
    throw new Error(`webhook queue did not drain within ${maxSteps} steps`);
  }

  /** Running host: poll the clock with a real timer and deliver what is due. */
  start(pollMs = 200): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (!this.#running && this.#items.some((i) => i.dueAt <= this.clock.now())) void this.runDue();
    }, pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#running) await this.#running.catch(() => undefined);
  }

  #manualClock(): ManualClock {
    if (!(this.clock instanceof ManualClock)) throw new Error('advance()/flush() need a ManualClock; the running host uses start()');
    return this.clock;
  }

  async #attempt(item: QueueItem): Promise<DeliveryLogEntry> {
    item.attempt += 1;
    this.stats.attempts += 1;
    const now = this.clock.now();
    const signed = item.sign?.({ url: item.url, method: item.method, body: item.body, headers: item.headers, now });
    const url = signed?.url ?? item.url;
    const headers = { ...item.headers, ...signed?.headers };
    let outcome: DeliveryOutcome;
    let preview = '';
    try {
      const response = await this.#fetch(url, {
        method: item.method,
        headers,
        ...(item.method === 'GET' || item.method === 'HEAD' ? {} : { body: Uint8Array.from(item.body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      preview = (await response.text()).slice(0, 500);
      if (response.status >= 200 && response.status < 300) {
        outcome = { kind: 'delivered', status: response.status };
        this.stats.delivered += 1;
      } else {
        outcome = { kind: 'rejected', status: response.status, retryAt: this.#maybeRetry(item, { status: response.status }) };
      }
    } catch (err) {
      const error = describeFetchError(err);
      outcome = { kind: 'connection-error', error, retryAt: this.#maybeRetry(item, { error }) };
    }
    this.#logSeq += 1;
    const entry: DeliveryLogEntry = {
      seq: this.#logSeq,
      webhookId: item.id,
      label: item.label,
      url,
      method: item.method,
      attempt: item.attempt,
      at: now,
      duplicateOf: item.duplicateOf,
      outcome,
      responsePreview: preview,
    };
    this.#log.push(entry);
    return entry;
  }

  /** Re-queues the item if the policy retries this failure; returns the retry time or null. */
  #maybeRetry(item: QueueItem, failure: { status: number } | { error: string }): number | null {
    const delay = item.retry.backoffMs[item.attempt - 1];
    if (delay === undefined || !shouldRetry(item.retry.on, failure)) {
      this.stats.gaveUp += 1;
      return null;
    }
    item.dueAt = this.clock.now() + delay;
    this.#items.push(item);
    this.stats.retried += 1;
    return item.dueAt;
  }
}

/** "timeout", a socket error code (ECONNREFUSED, ECONNRESET, …) or the message. Duck-typed: fetch errors may come from another realm. */
function describeFetchError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  if ('name' in err && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  const cause: unknown = 'cause' in err ? err.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return 'message' in err && typeof err.message === 'string' ? err.message : String(err);
}

function validateKnobs(k: WebhookQueueKnobs): void {
  const [min, max] = k.delayMs;
  if (!(min >= 0 && max >= min)) throw new RangeError('delayMs must be [min, max] with 0 <= min <= max');
  if (!(k.duplicateRate >= 0 && k.duplicateRate <= 1)) throw new RangeError('duplicateRate must be within 0..1');
  if (!(k.reorderJitterMs >= 0)) throw new RangeError('reorderJitterMs must be >= 0');
  if (k.retry.backoffMs.some((ms) => !(ms >= 0))) throw new RangeError('retry backoff delays must be >= 0');
}

function byDue(a: QueueItem, b: QueueItem): number {
  return a.dueAt - b.dueAt || a.seq - b.seq;
}

function toPending(item: QueueItem): PendingWebhook {
  return { id: item.id, label: item.label, url: item.url, method: item.method, dueAt: item.dueAt, attempt: item.attempt, duplicateOf: item.duplicateOf };
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
