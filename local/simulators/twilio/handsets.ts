/**
 * Simulated handsets: a driver's phone texting one of our numbers. Twilio's keyword engine runs
 * first (STOP blocks the (phone, sender scope) pair, START unblocks it, optional auto-replies), then
 * the inbound message is stored and a signed webhook goes to the number's incoming URL
 * (providers.md §1.6, §1.8).
 */
import { countSmsSegments } from '../../../src/backend/outreach/sms';
import type { FormParams, PendingWebhook, SeededRandom, SimClock } from '../harness';
import type { MessagingServiceConfig } from './engine';
import { OptOutList, TWILIO_KEYWORD_REPLIES, classifyTwilioKeyword, type KeywordClass } from './keywords';
import { TWILIO_API_VERSION, type KeywordReplies, type StoredMessage } from './model';
import type { MessageStore } from './store';

export interface InboundResult {
  readonly message: StoredMessage;
  readonly keyword: KeywordClass | null;
  readonly webhooks: PendingWebhook[];
}

export interface HandsetContext {
  readonly clock: SimClock;
  readonly accountSid: string;
  readonly ownedNumbers: readonly string[];
  readonly services: readonly MessagingServiceConfig[];
  readonly pricePerSegment: number;
  readonly store: MessageStore;
  readonly optOuts: OptOutList;
  readonly inboundUrl: () => string;
  random(): SeededRandom;
  keywordReplies(): KeywordReplies;
  post(url: string, params: FormParams, label: string, idempotencyToken: string): PendingWebhook[];
}

export class Handsets {
  readonly #c: HandsetContext;

  constructor(context: HandsetContext) {
    this.#c = context;
  }

  /** The number a handset texts by default: whoever texted it last, else the first owned number. */
  defaultPeerOf(phone: string): string {
    const last = this.#c.store.find({ to: phone }).find((m) => m.from !== null);
    return last?.from ?? this.#c.ownedNumbers[0] ?? '';
  }

  /** Everything to and from a handset, oldest first. */
  conversation(phone: string): StoredMessage[] {
    return this.#c.store.all().filter((m) => m.to === phone || m.from === phone);
  }

  /** Handsets that received or sent anything, most recent activity first. */
  phones(): string[] {
    const seen = new Set<string>();
    const all = this.#c.store.all();
    for (let i = all.length - 1; i >= 0; i -= 1) {
      const m = all[i];
      if (!m) continue;
      const phone = m.direction === 'inbound' ? m.from : m.to;
      if (phone) seen.add(phone);
    }
    return [...seen];
  }

  receive(args: { phone: string; to?: string; body: string }): InboundResult {
    const c = this.#c;
    const now = c.clock.now();
    const to = args.to ?? this.defaultPeerOf(args.phone);
    const service = c.services.find((s) => s.senders.includes(to));
    const scope = service?.sid ?? to;
    const keyword = classifyTwilioKeyword(args.body);
    const segments = Math.max(1, countSmsSegments(args.body).segments);
    const message: StoredMessage = {
      sid: `SM${c.random().hex(32)}`,
      accountSid: c.accountSid,
      direction: 'inbound',
      to,
      from: args.phone,
      messagingServiceSid: service?.sid ?? null,
      body: args.body,
      mediaUrls: [],
      statusCallback: null,
      validityPeriodS: 0,
      sendAt: null,
      status: 'received',
      segments,
      errorCode: null,
      errorMessage: null,
      price: `-${(segments * c.pricePerSegment).toFixed(5)}`,
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
      history: [{ status: 'received', at: now }],
    };
    c.store.add(message);
    if (keyword === 'STOP') c.optOuts.block(args.phone, scope, now);
    if (keyword === 'START') c.optOuts.unblock(args.phone, scope);
    if (keyword !== null && this.#replyOn(keyword)) this.#autoReply(to, args.phone, service?.sid ?? null, TWILIO_KEYWORD_REPLIES[keyword]);
    const params: Record<string, string> = {
      AccountSid: c.accountSid,
      ApiVersion: TWILIO_API_VERSION,
      Body: args.body,
      From: args.phone,
      FromCountry: 'US',
      MessageSid: message.sid,
      NumMedia: '0',
      NumSegments: String(segments),
      SmsMessageSid: message.sid,
      SmsSid: message.sid,
      SmsStatus: 'received',
      To: to,
      ToCountry: 'US',
    };
    if (service) params['MessagingServiceSid'] = service.sid;
    if (keyword !== null) params['OptOutType'] = keyword;
    const url = service?.inboundUrl ?? c.inboundUrl();
    const webhooks = c.post(url, params, `inbound ${args.phone} → ${to}`, `${message.sid}-received`);
    return { message, keyword, webhooks };
  }

  #replyOn(keyword: KeywordClass): boolean {
    const replies = this.#c.keywordReplies();
    switch (keyword) {
      case 'STOP':
        return replies.stop;
      case 'START':
        return replies.start;
      case 'HELP':
        return replies.help;
      default: {
        const never: never = keyword;
        return never;
      }
    }
  }

  /** Twilio's own keyword reply: stored as `outbound-reply`, no charge, no status callback. */
  #autoReply(from: string, to: string, serviceSid: string | null, body: string): void {
    const now = this.#c.clock.now();
    this.#c.store.add({
      sid: `SM${this.#c.random().hex(32)}`,
      accountSid: this.#c.accountSid,
      direction: 'outbound-reply',
      to,
      from,
      messagingServiceSid: serviceSid,
      body,
      mediaUrls: [],
      statusCallback: null,
      validityPeriodS: 36_000,
      sendAt: null,
      status: 'delivered',
      segments: Math.max(1, countSmsSegments(body).segments),
      errorCode: null,
      errorMessage: null,
      price: '0.00000',
      dateCreated: now,
      dateUpdated: now,
      dateSent: now,
      history: [{ status: 'delivered', at: now }],
    });
  }
}
