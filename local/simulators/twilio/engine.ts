/**
 * The Twilio simulator's behaviour: create-time checks (numbers, magic outcomes, opt-out blocks),
 * per-sender throughput queueing, the status machine on the injectable clock
 * (accepted → queued → sending → sent → delivered | undelivered | failed), signed status callbacks
 * through the harness webhook queue, and simulated handsets (inbound messages, keyword handling,
 * driver replies). Routes (routes.ts) and the console (console.ts) call into this.
 */
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { countSmsSegments } from '../../../src/backend/outreach/sms';
import { SeededRandom, TWILIO_RETRY, encodeForm, twilioSigner, type FormParams, type MagicTable, type PendingWebhook, type SimClock, type WebhookQueue } from '../harness';
import { Handsets, type InboundResult } from './handsets';
import { OptOutList } from './keywords';
import {
  TWILIO_API_VERSION,
  type DriverReplyKnobs,
  type KeywordReplies,
  type MessageStatus,
  type RecipientOutcome,
  type RestErrorName,
  type StoredMessage,
  type TimingKnobs,
} from './model';
import { createTimeError, deliveryError, dlrError, isValidCallbackUrl, pickSender, rawDlrDate } from './rules';
import { MessageStore } from './store';
import { Timeline } from './timeline';

export interface MessagingServiceConfig {
  readonly sid: string;
  /** Sender pool; a recipient always gets the same sender (sticky sender). */
  readonly senders: readonly string[];
  /** Service-level status callback, used when a message has none. */
  readonly statusCallback?: string | null;
  /** Incoming-message webhook of the service's numbers; default: the simulator's inbound URL. */
  readonly inboundUrl?: string | null;
}

export interface EngineOptions {
  readonly clock: SimClock;
  readonly seed: number;
  readonly accountSid: string;
  readonly authToken: string;
  readonly ownedNumbers: readonly string[];
  readonly services: readonly MessagingServiceConfig[];
  readonly defaultMps: number;
  readonly mps: Readonly<Record<string, number>>;
  readonly pricePerSegment: number;
  readonly timing: TimingKnobs;
  readonly keywordReplies: KeywordReplies;
  readonly driverReplies: DriverReplyKnobs;
  /** Reject numbers libphonenumber considers invalid with 21211 (magic numbers are exempt). */
  readonly validateNumbers: boolean;
  readonly inboundUrl: () => string;
  readonly webhooks: WebhookQueue;
  readonly recipients: MagicTable<RecipientOutcome>;
}

export interface CreateInput {
  readonly to: string | undefined;
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
  readonly body: string | undefined;
  readonly mediaUrls: readonly string[];
  readonly statusCallback: string | undefined;
  readonly validityPeriodS: number | undefined;
  readonly sendAt: number | undefined;
}

export type CreateResult = { readonly ok: true; readonly message: StoredMessage } | { readonly ok: false; readonly error: RestErrorName };

type SimEvent =
  | { readonly kind: 'route'; readonly sid: string }
  | { readonly kind: 'send'; readonly sid: string }
  | { readonly kind: 'sent'; readonly sid: string }
  | { readonly kind: 'dlr'; readonly sid: string }
  | { readonly kind: 'expire'; readonly sid: string }
  | { readonly kind: 'reply'; readonly phone: string; readonly to: string; readonly body: string };

const E164 = /^\+[1-9]\d{6,14}$/;
const DRIVER_QUESTIONS = ['What lanes is this for?', 'Is this home weekly?', 'What does it pay per mile?', 'Do you hire with 1 year experience?'];

export class TwilioEngine {
  readonly store = new MessageStore();
  readonly optOuts = new OptOutList();
  readonly handsets: Handsets;
  readonly #o: EngineOptions;
  readonly #timeline = new Timeline<SimEvent>();
  readonly #nextFree = new Map<string, number>();
  #random: SeededRandom;
  mps: Record<string, number>;
  defaultMps: number;
  timing: TimingKnobs;
  keywordReplies: KeywordReplies;
  driverReplies: DriverReplyKnobs;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#random = new SeededRandom(options.seed);
    this.mps = { ...options.mps };
    this.defaultMps = options.defaultMps;
    this.timing = options.timing;
    this.keywordReplies = options.keywordReplies;
    this.driverReplies = options.driverReplies;
    this.handsets = new Handsets({
      clock: options.clock,
      accountSid: options.accountSid,
      ownedNumbers: options.ownedNumbers,
      services: options.services,
      pricePerSegment: options.pricePerSegment,
      store: this.store,
      optOuts: this.optOuts,
      inboundUrl: options.inboundUrl,
      random: () => this.#random,
      keywordReplies: () => this.keywordReplies,
      post: (url, params, label, token) => this.#post(url, params, label, token),
    });
  }

  get accountSid(): string {
    return this.#o.accountSid;
  }

  get services(): readonly MessagingServiceConfig[] {
    return this.#o.services;
  }

  /** Due time of the next status transition or handset reply, or null. */
  nextEventAt(): number | null {
    return this.#timeline.peekAt();
  }

  get pendingEvents(): number {
    return this.#timeline.size;
  }

  reset(): void {
    this.store.clear();
    this.optOuts.clear();
    this.#timeline.clear();
    this.#nextFree.clear();
    this.#random = new SeededRandom(this.#o.seed);
  }

  // ---------------------------------------------------------------------------------------------
  // Outbound
  // ---------------------------------------------------------------------------------------------

  create(input: CreateInput): CreateResult {
    this.processDue();
    const fail = (error: RestErrorName): CreateResult => ({ ok: false, error });
    if (!input.to) return fail('toRequired');
    if (!input.from && !input.messagingServiceSid) return fail('fromRequired');
    if (!input.body && input.mediaUrls.length === 0) return fail('bodyRequired');
    const body = input.body ?? '';
    if (body.length > 1600) return fail('bodyTooLong');
    if (input.mediaUrls.length > 10) return fail('tooManyMedia');
    if (input.validityPeriodS !== undefined && !(input.validityPeriodS >= 1 && input.validityPeriodS <= 36_000)) return fail('invalidValidityPeriod');
    if (input.statusCallback !== undefined && !isValidCallbackUrl(input.statusCallback)) return fail('invalidStatusCallback');
    const service = input.messagingServiceSid ? this.#o.services.find((s) => s.sid === input.messagingServiceSid) : undefined;
    if (input.messagingServiceSid && !service) return fail('invalidService');
    if (input.sendAt !== undefined && !service) return fail('invalidParameter');
    if (input.from && !service) {
      if (!E164.test(input.from)) return fail('invalidFrom');
      if (!this.#o.ownedNumbers.includes(input.from)) return fail('fromNotOwned');
    }
    const resolution = this.#o.recipients.resolve(input.to);
    if (!E164.test(input.to)) return fail('invalidTo');
    if (resolution.source === 'fallback' && this.#o.validateNumbers && !isValidPhoneNumber(input.to)) return fail('invalidTo');
    const atCreate = createTimeError(resolution.outcome);
    if (atCreate) return fail(atCreate);
    const scope = service?.sid ?? this.#scopeOfNumber(input.from ?? '');
    if (this.optOuts.isBlocked(input.to, scope)) return fail('unsubscribed');

    const now = this.#o.clock.now();
    const segments = Math.max(1, countSmsSegments(body).segments);
    const message: StoredMessage = {
      sid: `SM${this.#random.hex(32)}`,
      accountSid: this.#o.accountSid,
      direction: 'outbound-api',
      to: input.to,
      from: service ? null : (input.from ?? null),
      messagingServiceSid: service?.sid ?? null,
      body,
      mediaUrls: [...input.mediaUrls],
      statusCallback: input.statusCallback ?? service?.statusCallback ?? null,
      validityPeriodS: input.validityPeriodS ?? 36_000,
      sendAt: input.sendAt ?? null,
      status: service ? (input.sendAt !== undefined ? 'scheduled' : 'accepted') : 'queued',
      segments,
      errorCode: null,
      errorMessage: null,
      price: null,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      history: [],
    };
    message.history.push({ status: message.status, at: now });
    this.store.add(message);
    if (service) this.#timeline.push(input.sendAt ?? now, { kind: 'route', sid: message.sid });
    else this.#queueForSending(message);
    return { ok: true, message };
  }

  /** `Status=canceled`: only before the message left the queue. */
  cancel(sid: string): CreateResult {
    this.processDue();
    const message = this.store.get(sid);
    if (!message) return { ok: false, error: 'notFound' };
    if (message.status !== 'queued' && message.status !== 'accepted' && message.status !== 'scheduled') return { ok: false, error: 'notCancelable' };
    this.#transition(message, 'canceled');
    return { ok: true, message };
  }

  /** Redaction: `Body=""` on a message in a final state. */
  redact(sid: string): CreateResult {
    const message = this.store.get(sid);
    if (!message) return { ok: false, error: 'notFound' };
    message.body = '';
    message.dateUpdated = this.#o.clock.now();
    return { ok: true, message };
  }

  /** Applies every transition and handset reply due at the clock's now. */
  processDue(): number {
    let count = 0;
    for (;;) {
      const due = this.#timeline.popDue(this.#o.clock.now());
      if (!due) return count;
      count += 1;
      this.#apply(due.event, due.at);
    }
  }

  #apply(event: SimEvent, at: number): void {
    if (event.kind === 'reply') {
      this.receive({ phone: event.phone, to: event.to, body: event.body });
      return;
    }
    const m = this.store.get(event.sid);
    if (!m) return;
    const outcome = this.#o.recipients.outcomeFor(m.to);
    switch (event.kind) {
      case 'route': {
        if (m.status !== 'accepted' && m.status !== 'scheduled') return;
        const service = this.#o.services.find((s) => s.sid === m.messagingServiceSid);
        m.from = pickSender(service?.senders ?? [], m.to);
        if (this.optOuts.isBlocked(m.to, m.messagingServiceSid ?? '')) {
          this.#transition(m, 'failed', { code: 21610, message: 'Attempt to send to unsubscribed recipient' });
          return;
        }
        this.#transition(m, 'queued');
        this.#queueForSending(m);
        return;
      }
      case 'send':
        if (m.status !== 'queued') return;
        this.#transition(m, 'sending');
        this.#timeline.push(at + this.timing.sentAfterMs, { kind: 'sent', sid: m.sid });
        return;
      case 'expire':
        if (m.status === 'queued') this.#transition(m, 'failed', deliveryError(30001));
        return;
      case 'sent': {
        if (m.status !== 'sending') return;
        if (outcome === 'unknown-error') {
          this.#transition(m, 'failed', deliveryError(30008));
          return;
        }
        m.dateSent = at;
        m.price = `-${(m.segments * this.#o.pricePerSegment).toFixed(5)}`;
        this.#transition(m, 'sent');
        if (outcome === 'no-dlr') return;
        const delay = outcome === 'slow-delivery' ? this.timing.slowDeliveryMs : this.#random.int(this.timing.dlrAfterMs[0], this.timing.dlrAfterMs[1]);
        this.#timeline.push(at + delay, { kind: 'dlr', sid: m.sid });
        return;
      }
      case 'dlr': {
        if (m.status !== 'sent') return;
        const error = dlrError(outcome);
        if (error !== null) {
          this.#transition(m, 'undelivered', deliveryError(error));
          return;
        }
        this.#transition(m, 'delivered');
        this.#maybeDriverReply(m, outcome, at);
        return;
      }
      default: {
        const never: never = event;
        throw new Error(`unknown event ${JSON.stringify(never)}`);
      }
    }
  }

  /** Throughput: each sender (Messaging Service or From) sends `mps` segments per second; the rest wait. */
  #queueForSending(m: StoredMessage): void {
    const key = m.messagingServiceSid ?? m.from ?? '';
    const now = this.#o.clock.now();
    const mps = this.mps[key] ?? this.defaultMps;
    const start = Math.max(now, this.#nextFree.get(key) ?? now);
    const expiresAt = m.dateCreated + m.validityPeriodS * 1000;
    if (start > expiresAt) {
      this.#timeline.push(expiresAt, { kind: 'expire', sid: m.sid });
      return;
    }
    this.#nextFree.set(key, start + (m.segments * 1000) / mps);
    this.#timeline.push(start, { kind: 'send', sid: m.sid });
  }

  #transition(m: StoredMessage, status: MessageStatus, error?: { code: number; message: string }): void {
    const now = this.#o.clock.now();
    m.status = status;
    m.dateUpdated = now;
    if (error) {
      m.errorCode = error.code;
      m.errorMessage = error.message;
    }
    m.history.push({ status, at: now });
    if (status !== 'sending' && status !== 'accepted' && status !== 'scheduled') this.#statusCallback(m);
  }

  /** Signed form POST to the message's StatusCallback, late / duplicated / reordered by the queue's knobs. */
  #statusCallback(m: StoredMessage): void {
    if (m.statusCallback === null || m.direction !== 'outbound-api') return;
    const params: Record<string, string> = {
      AccountSid: m.accountSid,
      ApiVersion: TWILIO_API_VERSION,
      From: m.from ?? '',
      MessageSid: m.sid,
      MessageStatus: m.status,
      SmsSid: m.sid,
      SmsStatus: m.status,
      To: m.to,
    };
    if (m.messagingServiceSid) params['MessagingServiceSid'] = m.messagingServiceSid;
    if (m.errorCode !== null && (m.status === 'failed' || m.status === 'undelivered')) params['ErrorCode'] = String(m.errorCode);
    if (m.status === 'delivered' || m.status === 'undelivered') params['RawDlrDoneDate'] = rawDlrDate(this.#o.clock.now());
    this.#post(m.statusCallback, params, `status ${m.status} ${m.sid}`, `${m.sid}-${m.status}`);
  }

  #post(rawUrl: string, params: FormParams, label: string, idempotencyToken: string): PendingWebhook[] {
    const url = rawUrl.split('#')[0] ?? rawUrl; // connection-override fragments are never sent or signed
    return this.#o.webhooks.schedule({
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1', 'i-twilio-idempotency-token': idempotencyToken },
      body: encodeForm(params),
      sign: twilioSigner({ authToken: this.#o.authToken }),
      retry: TWILIO_RETRY,
      label,
    });
  }

  /** The opt-out scope of a number: its Messaging Service when it is in one, else the number. */
  #scopeOfNumber(number: string): string {
    return this.#o.services.find((s) => s.senders.includes(number))?.sid ?? number;
  }

  /** A handset texts one of our numbers (see handsets.ts). */
  receive(args: { phone: string; to?: string; body: string }): InboundResult {
    return this.handsets.receive(args);
  }

  /** Magic reply numbers always answer; others answer with probability `driverReplies.share`. */
  #maybeDriverReply(m: StoredMessage, outcome: RecipientOutcome, at: number): void {
    let body: string | null = null;
    if (outcome === 'reply-yes') body = 'YES';
    else if (outcome === 'reply-question') body = DRIVER_QUESTIONS[0] ?? 'More info?';
    else if (outcome === 'reply-stop') body = 'STOP';
    else if (this.driverReplies.share > 0 && this.#random.chance(this.driverReplies.share)) body = this.#pickDriverReply();
    if (body === null || m.from === null) return;
    const delay = this.#random.int(this.timing.replyAfterMs[0], this.timing.replyAfterMs[1]);
    this.#timeline.push(at + delay, { kind: 'reply', phone: m.to, to: m.from, body });
  }

  #pickDriverReply(): string {
    const { yes, question, stop } = this.driverReplies.mix;
    const roll = this.#random.next() * (yes + question + stop);
    if (roll < yes) return 'YES';
    if (roll < yes + question) return DRIVER_QUESTIONS[this.#random.int(0, DRIVER_QUESTIONS.length - 1)] ?? 'More info?';
    return 'STOP';
  }
}

