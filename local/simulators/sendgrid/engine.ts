/**
 * The SendGrid simulator's behaviour: a validated request becomes one stored message per
 * recipient (accept.ts); each message walks its event sequence on the injectable clock
 * (processed → delivered | deferred … | bounce | dropped, then opens, clicks, spam reports),
 * chosen by the magic table, the suppression lists and the seeded engagement knobs. Every event
 * goes to the outbox (batched, signed Event Webhook posts).
 */
import { RingBuffer, SeededRandom, assertNever, normalizeEmail, type MagicTable, type SimClock } from '../harness';
import { Timeline } from '../twilio/timeline';
import { splitRequest } from './accept';
import { Engagement, buildEvent } from './engagement';
import { CONTENT_EVICTED, WIRE, type AccountTracking, type EngagementKnobs, type MailOutcome, type MailQuery, type MessageStep as Step, type SendGridEvent, type SendGridEventName, type StoredMail, type TimingKnobs } from './model';
import type { EventOutbox } from './outbox';
import type { MailSendRequest } from './schema';
import { Suppressions } from './suppressions';
import type { TemplateStore } from './templates';
import { TrackingTokens } from './tracking';

export interface EngineOptions {
  readonly clock: SimClock;
  readonly seed: number;
  readonly mailboxes: MagicTable<MailOutcome>;
  readonly templates: TemplateStore;
  readonly outbox: EventOutbox;
  readonly baseUrl: () => string;
  readonly timing: TimingKnobs;
  readonly engagement: EngagementKnobs;
  readonly accountTracking: AccountTracking;
  /** Messages that keep their rendered HTML / text; older ones drop it (events and state stay). */
  readonly contentRetention: number;
}

export class SendGridEngine {
  readonly suppressions = new Suppressions();
  readonly tokens: TrackingTokens;
  /** Opens, clicks, spam reports and unsubscribes of delivered messages. */
  readonly engage: Engagement;
  readonly #o: EngineOptions;
  readonly #mails = new Map<string, StoredMail>();
  readonly #timeline = new Timeline<Step>();
  readonly #events = new RingBuffer<SendGridEvent>(5_000);
  #withContent: string[] = [];
  #contentHead = 0;
  #random: SeededRandom;
  #messageSeq = 0;
  #processing = false;
  timing: TimingKnobs;
  engagement: EngagementKnobs;
  accountTracking: AccountTracking;
  /** Sandbox-mode requests validated (200, nothing sent). */
  sandboxed = 0;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#random = new SeededRandom(options.seed);
    this.tokens = new TrackingTokens(() => this.#random);
    this.timing = options.timing;
    this.engagement = options.engagement;
    this.accountTracking = options.accountTracking;
    this.engage = new Engagement({
      suppressions: this.suppressions,
      now: () => this.#o.clock.now(),
      engageable: (id) => {
        this.processDue();
        const m = this.#mails.get(id);
        return m?.status === 'delivered' ? m : undefined;
      },
      emit: (m, name, at, extra) => this.#emit(m, name, at, extra),
    });
  }

  get outbox(): EventOutbox {
    return this.#o.outbox;
  }

  /** Stores one message per recipient and schedules its events. */
  accept(mail: MailSendRequest): { xMessageId: string; mails: StoredMail[] } {
    this.processDue();
    const now = this.#o.clock.now();
    const xMessageId = this.#randomId();
    const mails = splitRequest(mail, {
      now,
      xMessageId,
      random: this.#random,
      nextSeq: () => (this.#messageSeq += 1),
      template: mail.template_id === undefined ? undefined : this.#o.templates.get(mail.template_id),
      accountTracking: this.accountTracking,
      mailboxes: this.#o.mailboxes,
      tokens: this.tokens,
      base: this.#o.baseUrl(),
    });
    for (const m of mails) {
      this.#mails.set(m.sgMessageId, m);
      this.#withContent.push(m.sgMessageId);
      this.#timeline.push(Math.max(now, m.sendAt * 1000) + this.#between(this.timing.processedAfterMs), { kind: 'process', id: m.sgMessageId });
    }
    this.#evictContent();
    return { xMessageId, mails };
  }

  #evictContent(): void {
    while (this.#withContent.length - this.#contentHead > this.#o.contentRetention) {
      const old = this.#mails.get(this.#withContent[this.#contentHead] ?? '');
      this.#contentHead += 1;
      if (old) [old.html, old.text] = [null, CONTENT_EVICTED];
    }
    if (this.#contentHead > 10_000) [this.#withContent, this.#contentHead] = [this.#withContent.slice(this.#contentHead), 0];
  }

  mail(sgMessageId: string): StoredMail | undefined {
    return this.#mails.get(sgMessageId);
  }

  /** Stored messages, newest first. */
  mails(q: MailQuery = {}): StoredMail[] {
    const to = q.to === undefined ? undefined : normalizeEmail(q.to);
    const keep = (m: StoredMail): boolean => (to === undefined || normalizeEmail(m.to.email) === to) && (q.xMessageId ?? m.xMessageId) === m.xMessageId && (q.status ?? m.status) === m.status;
    return [...this.#mails.values()].filter(keep).reverse();
  }

  /** Every event emitted (posted to the webhook or not), oldest first (last 5,000). */
  events(): SendGridEvent[] {
    return this.#events.toArray();
  }

  /** Due time of the next message step or batch close, or null. */
  nextEventAt(): number | null {
    const a = this.#timeline.peekAt();
    const b = this.outbox.nextFlushAt();
    if (a === null) return b;
    return b === null ? a : Math.min(a, b);
  }

  /** Applies every step and closes every batch due at the clock's now, in time order. */
  processDue(): number {
    if (this.#processing) return 0;
    this.#processing = true;
    try {
      const now = this.#o.clock.now();
      let count = 0;
      for (;;) {
        const stepAt = this.#timeline.peekAt();
        const flushAt = this.outbox.nextFlushAt();
        if (flushAt !== null && flushAt <= now && (stepAt === null || flushAt < stepAt)) {
          this.outbox.flushDue(flushAt);
          continue;
        }
        const due = this.#timeline.popDue(now);
        if (!due) return count;
        count += 1;
        this.#apply(due.event, due.at);
      }
    } finally {
      this.#processing = false;
    }
  }

  reset(): void {
    this.#mails.clear();
    this.#timeline.clear();
    this.#events.clear();
    [this.#withContent, this.#contentHead] = [[], 0];
    this.suppressions.clear();
    this.tokens.clear();
    this.outbox.clear();
    this.#random = new SeededRandom(this.#o.seed);
    this.#messageSeq = 0;
    this.sandboxed = 0;
  }

  #apply(step: Step, at: number): void {
    const m = this.#mails.get(step.id);
    if (!m) return;
    switch (step.kind) {
      case 'process': {
        this.#emit(m, 'processed', at, { send_at: m.sendAt });
        m.status = 'processed';
        const reason = this.suppressions.dropReason(m.to.email, m.bypass, m.asmGroupId) ?? (m.outcome === 'dropped' ? 'Invalid' : null);
        if (reason !== null) {
          m.status = 'dropped';
          this.#emit(m, 'dropped', at, { reason, status: '5.0.0' });
          return;
        }
        this.#timeline.push(at + this.#between(this.timing.deliveryAfterMs), { kind: 'attempt', id: m.sgMessageId, attempt: 1 });
        return;
      }
      case 'attempt':
        this.#attempt(m, step.attempt, at);
        return;
      case 'open':
        this.engage.open(m.sgMessageId, {}, step.machine, at);
        if (step.thenClick) this.#timeline.push(at + this.#between(this.timing.clickAfterOpenMs), { kind: 'click', id: m.sgMessageId, index: 0 });
        return;
      case 'click':
        this.engage.click(m.sgMessageId, step.index, {}, at);
        return;
      case 'spamreport':
        this.engage.spamReport(m.sgMessageId, at);
        return;
      default:
        assertNever(step);
    }
  }

  #attempt(m: StoredMail, attempt: number, at: number): void {
    const defer = (): void => {
      m.status = 'deferred';
      this.#emit(m, 'deferred', at, { response: WIRE.deferredResponse, attempt: String(attempt), ip: WIRE.sendingIp, tls: 1 });
      this.#timeline.push(at + this.#between(this.timing.deferredRetryMs), { kind: 'attempt', id: m.sgMessageId, attempt: attempt + 1 });
    };
    const bounce = (type: 'bounce' | 'blocked', b: { status: string; reason: string; classification: string }): void => {
      m.status = 'bounced';
      this.#emit(m, 'bounce', at, { type, status: b.status, reason: b.reason, bounce_classification: b.classification, ip: WIRE.sendingIp, tls: 1 });
    };
    switch (m.outcome) {
      case 'hard-bounce':
        bounce('bounce', WIRE.hardBounce);
        this.suppressions.add({ list: 'bounces', email: m.to.email, created: Math.floor(at / 1000), reason: WIRE.hardBounce.reason, status: WIRE.hardBounce.status, groupId: null });
        return;
      case 'blocked':
        bounce('blocked', WIRE.blocked);
        return;
      case 'soft-bounce':
        if (attempt <= this.timing.deferrals) defer();
        else bounce('bounce', WIRE.softBounce);
        return;
      case 'deferred':
        if (attempt <= this.timing.deferrals) defer();
        else this.#deliver(m, at);
        return;
      case 'deliver':
      case 'dropped':
      case 'spam-report':
      case 'no-open':
      case 'engaged':
      case 'machine-open':
        this.#deliver(m, at);
        return;
      default:
        assertNever(m.outcome);
    }
  }

  /** delivered, then the recipient's engagement: the magic outcome's, or seeded by the knobs. */
  #deliver(m: StoredMail, at: number): void {
    m.status = 'delivered';
    this.#emit(m, 'delivered', at, { response: WIRE.deliveredResponse, ip: WIRE.sendingIp, tls: 1 });
    const id = m.sgMessageId;
    const canClick = m.tracking.click && m.links.length > 0;
    const humanOpen = (thenClick: boolean): void => this.#timeline.push(at + this.#between(this.timing.openAfterMs), { kind: 'open', id, machine: false, thenClick });
    const machineOpen = (): void => this.#timeline.push(at + this.#between(this.timing.machineOpenAfterMs), { kind: 'open', id, machine: true, thenClick: false });
    switch (m.outcome) {
      case 'deliver': {
        const e = this.engagement;
        if (!this.#random.chance(e.openRate)) return;
        if (this.#random.chance(e.machineOpenShare)) machineOpen();
        else humanOpen(canClick && this.#random.chance(e.clickRate));
        return;
      }
      case 'engaged':
        humanOpen(canClick);
        return;
      case 'machine-open':
        machineOpen();
        return;
      case 'spam-report':
        this.#timeline.push(at + this.#between(this.timing.spamReportAfterMs), { kind: 'spamreport', id });
        return;
      case 'no-open':
      case 'deferred':
      case 'dropped':
      case 'hard-bounce':
      case 'soft-bounce':
      case 'blocked':
        return;
      default:
        assertNever(m.outcome);
    }
  }

  #emit(m: StoredMail, name: SendGridEventName, at: number, extra: Record<string, unknown>): SendGridEvent {
    const event = buildEvent(m, name, at, this.#randomId(), extra);
    m.events.push(event);
    this.#events.push(event);
    this.outbox.add(event, at);
    return event;
  }

  #between([min, max]: readonly [number, number]): number {
    return this.#random.int(min, max);
  }

  /** 22 base64url characters (16 random bytes): the shape of X-Message-Id and sg_event_id. */
  #randomId(): string {
    return Buffer.from(Array.from({ length: 16 }, () => this.#random.int(0, 255))).toString('base64url');
  }
}
