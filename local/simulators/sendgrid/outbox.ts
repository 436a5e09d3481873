/**
 * The Event Webhook side (providers.md §3.4–3.5): events collect into a batch that is posted when
 * the batch window closes (SendGrid: every 30 s) or the batch reaches its byte limit (768 KB), as
 * one JSON array joined with ",\r\n", signed with the account's ECDSA P-256 key, through the
 * harness queue (SendGrid retry policy, delays, duplicates, reordering).
 */
import type { KeyObject } from 'node:crypto';
import { RingBuffer, SENDGRID_RETRY, sendGridEventBatchBody, sendGridSigner, type SimClock, type WebhookQueue } from '../harness';
import { SENDGRID_EVENT_NAMES, type SendGridEvent, type SendGridEventName } from './model';

/** The legacy Event Webhook settings object (`GET /v3/user/webhooks/event/settings`) toggles. */
export type EventToggleName = Exclude<SendGridEventName, 'spamreport'> | 'spam_report';

export const toggleOf = (event: SendGridEventName): EventToggleName => (event === 'spamreport' ? 'spam_report' : event);

export interface EventWebhookSettings {
  readonly enabled: boolean;
  /** Delivery URL; null: the simulator's default (`<publicWebhookBase>/_functions/sendgrid/events`). */
  readonly url: string | null;
  readonly signed: boolean;
  readonly events: Readonly<Record<EventToggleName, boolean>>;
  /** A batch is posted this long after its first event. */
  readonly batchWindowMs: number;
  /** …or as soon as its body would exceed this many bytes. */
  readonly maxBatchBytes: number;
}

export const ALL_EVENTS_ON: Readonly<Record<EventToggleName, boolean>> = Object.freeze(
  Object.fromEntries(SENDGRID_EVENT_NAMES.map((e) => [toggleOf(e), true])) as Record<EventToggleName, boolean>,
);

export const DEFAULT_WEBHOOK_SETTINGS: EventWebhookSettings = Object.freeze({
  enabled: true,
  url: null,
  signed: true,
  events: ALL_EVENTS_ON,
  batchWindowMs: 30_000,
  maxBatchBytes: 768 * 1024,
});

export interface PostedBatch {
  readonly seq: number;
  /** Clock ms the batch closed. */
  readonly at: number;
  readonly url: string;
  readonly webhookIds: readonly string[];
  readonly sgEventIds: readonly string[];
  readonly bytes: number;
}

interface OpenBatch {
  readonly events: SendGridEvent[];
  readonly flushAt: number;
  bytes: number;
}

export class EventOutbox {
  settings: EventWebhookSettings;
  readonly #queue: WebhookQueue;
  readonly #clock: SimClock;
  readonly #privateKey: KeyObject;
  readonly #defaultUrl: () => string;
  readonly #posted = new RingBuffer<PostedBatch>(500);
  #open: OpenBatch | null = null;
  #seq = 0;

  constructor(args: { queue: WebhookQueue; clock: SimClock; privateKey: KeyObject; defaultUrl: () => string; settings: EventWebhookSettings }) {
    this.#queue = args.queue;
    this.#clock = args.clock;
    this.#privateKey = args.privateKey;
    this.#defaultUrl = args.defaultUrl;
    this.settings = args.settings;
  }

  /** Where batches go now, or null when the webhook is off. */
  get url(): string | null {
    if (!this.settings.enabled) return null;
    return this.settings.url ?? this.#defaultUrl();
  }

  /** Queues an event for the next batch (no-op when the webhook is off or the event type is not selected). */
  add(event: SendGridEvent, at: number): void {
    if (this.url === null || !this.settings.events[toggleOf(event.event)]) return;
    const size = Buffer.byteLength(JSON.stringify(event), 'utf8') + 3;
    if (this.#open && this.#open.bytes + size > this.settings.maxBatchBytes) this.#post(at);
    this.#open ??= { events: [], flushAt: at + this.settings.batchWindowMs, bytes: 4 };
    this.#open.events.push(event);
    this.#open.bytes += size;
  }

  nextFlushAt(): number | null {
    return this.#open?.flushAt ?? null;
  }

  /** Posts the open batch if its window has closed by `now`. */
  flushDue(now: number): boolean {
    if (!this.#open || this.#open.flushAt > now) return false;
    this.#post(this.#open.flushAt);
    return true;
  }

  /** Posts whatever is waiting, now. */
  flushNow(): void {
    if (this.#open) this.#post(this.#clock.now());
  }

  posted(): PostedBatch[] {
    return this.#posted.toArray();
  }

  clear(): void {
    this.#open = null;
  }

  #post(at: number): void {
    const batch = this.#open;
    this.#open = null;
    const url = this.url;
    if (!batch || batch.events.length === 0 || url === null) return;
    const body = sendGridEventBatchBody(batch.events);
    const kinds = [...new Set(batch.events.map((e) => e.event))].join(', ');
    const pending = this.#queue.schedule({
      at,
      url,
      headers: { 'content-type': 'application/json;charset=utf-8', 'user-agent': 'SendGrid Event API' },
      body,
      ...(this.settings.signed ? { sign: sendGridSigner({ privateKey: this.#privateKey }) } : {}),
      retry: SENDGRID_RETRY,
      label: `events ×${batch.events.length} (${kinds})`,
    });
    this.#seq += 1;
    this.#posted.push({
      seq: this.#seq,
      at,
      url,
      webhookIds: pending.map((p) => p.id),
      sgEventIds: batch.events.map((e) => e.sg_event_id),
      bytes: Buffer.byteLength(body, 'utf8'),
    });
  }
}
