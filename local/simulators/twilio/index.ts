/**
 * The Twilio Programmable Messaging simulator (docs/simulators.md "Twilio"). Reached only through the
 * real `twilio` SDK's httpClient seam: `createTwilioClient({ accountSid, authToken, apiBaseOverride:
 * sim.baseUrl })`. Console at `/_sim/twilio/`.
 */
import { DEFAULT_SMS_PRICE_PER_SEGMENT } from '../../../src/backend/outreach/sms';
import { advanceBy, DEFAULT_CREDENTIALS, earliest, flushAll, ManualClock, manualClockOf, Simulator, TWILIO_RETRY, systemClock, type Drivable, type MagicTable, type SimClock, type SimulatorDescription, type WebhookQueueKnobs } from '../harness';
import { mountTwilioConsole } from './console';
import { TwilioEngine, type MessagingServiceConfig } from './engine';
import type { InboundResult } from './handsets';
import {
  DEFAULT_DRIVER_REPLIES,
  DEFAULT_KEYWORD_REPLIES,
  DEFAULT_TIMING,
  createRecipientTable,
  type DriverReplyKnobs,
  type KeywordReplies,
  type RecipientOutcome,
  type StoredMessage,
  type TimingKnobs,
} from './model';
import { NO_FAULTS, mountTwilioRoutes, type FaultKnobs } from './routes';
import type { MessageQuery } from './store';

export { DEFAULT_MAGIC_RULES, type MessageStatus, type RecipientOutcome, type StoredMessage } from './model';
export { classifyTwilioKeyword, TWILIO_OPT_OUT_KEYWORDS, TWILIO_OPT_IN_KEYWORDS, TWILIO_HELP_KEYWORDS } from './keywords';
export { renderMessage, type MessageQuery } from './store';
export type { MessagingServiceConfig } from './engine';
export type { FaultKnobs } from './routes';

export interface TwilioSimulatorOptions {
  readonly clock?: SimClock;
  readonly seed?: number;
  readonly credentials?: { readonly accountSid: string; readonly authToken: string };
  /** Phone numbers the account owns (valid `From`). Default: `DEFAULT_CREDENTIALS.twilio.fromNumber`. */
  readonly ownedNumbers?: readonly string[];
  /** Default: one service `DEFAULT_CREDENTIALS.twilio.messagingServiceSid` whose pool is `ownedNumbers`. */
  readonly messagingServices?: readonly MessagingServiceConfig[];
  /** Base of the app's public URL; the default inbound URL is `<base>/_functions/twilio/incoming`. */
  readonly publicWebhookBase?: string | (() => string);
  /** Overrides the inbound URL entirely. */
  readonly inboundUrl?: string | (() => string);
  /** Segments per second per sender (From number or Messaging Service SID). Default 30. */
  readonly defaultMps?: number;
  readonly mps?: Readonly<Record<string, number>>;
  readonly pricePerSegment?: number;
  readonly timing?: Partial<TimingKnobs>;
  readonly keywordReplies?: Partial<KeywordReplies>;
  readonly driverReplies?: Partial<DriverReplyKnobs>;
  readonly validateNumbers?: boolean;
  /** Webhook queue knobs (delay, duplicates, reorder, retry); seed defaults to `seed`. */
  readonly webhooks?: Partial<WebhookQueueKnobs> & { readonly seed?: number };
  readonly autoDeliver?: boolean;
}

export class TwilioSimulator {
  readonly sim: Simulator;
  readonly engine: TwilioEngine;
  /** Magic recipients; `override()` in tests. */
  readonly recipients: MagicTable<RecipientOutcome>;
  readonly accountSid: string;
  faults: FaultKnobs = NO_FAULTS;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: TwilioSimulatorOptions = {}) {
    const clock = options.clock ?? systemClock;
    const seed = options.seed ?? 42;
    const credentials = options.credentials ?? DEFAULT_CREDENTIALS.twilio;
    const owned = options.ownedNumbers ?? [DEFAULT_CREDENTIALS.twilio.fromNumber];
    const services = options.messagingServices ?? [{ sid: DEFAULT_CREDENTIALS.twilio.messagingServiceSid, senders: owned }];
    const base = options.publicWebhookBase ?? 'http://127.0.0.1:8080';
    const inbound = options.inboundUrl ?? ((): string => `${(typeof base === 'function' ? base() : base).replace(/\/+$/, '')}/_functions/twilio/incoming`);
    this.accountSid = credentials.accountSid;
    this.sim = new Simulator({
      name: 'twilio',
      title: 'Twilio SMS simulator',
      description: 'Programmable Messaging: send, statuses, signed callbacks, handsets (STOP/START/HELP, replies)',
      errorDialect: 'twilio',
      clock,
      webhooks: {
        seed: options.webhooks?.seed ?? seed,
        delayMs: options.webhooks?.delayMs ?? [100, 2_000],
        duplicateRate: options.webhooks?.duplicateRate ?? 0.02,
        reorderJitterMs: options.webhooks?.reorderJitterMs ?? 1_500,
        retry: options.webhooks?.retry ?? TWILIO_RETRY,
      },
      ...(options.autoDeliver !== undefined ? { autoDeliver: options.autoDeliver } : {}),
    });
    this.recipients = createRecipientTable();
    this.sim.registerMagicTable('Magic recipients (To)', this.recipients);
    this.engine = new TwilioEngine({
      clock,
      seed,
      accountSid: credentials.accountSid,
      authToken: credentials.authToken,
      ownedNumbers: owned,
      services,
      defaultMps: options.defaultMps ?? 30,
      mps: options.mps ?? {},
      pricePerSegment: options.pricePerSegment ?? DEFAULT_SMS_PRICE_PER_SEGMENT,
      timing: { ...DEFAULT_TIMING, ...options.timing },
      keywordReplies: { ...DEFAULT_KEYWORD_REPLIES, ...options.keywordReplies },
      driverReplies: { ...DEFAULT_DRIVER_REPLIES, ...options.driverReplies },
      validateNumbers: options.validateNumbers ?? true,
      inboundUrl: typeof inbound === 'function' ? inbound : (): string => inbound,
      webhooks: this.sim.webhooks,
      recipients: this.recipients,
    });
    mountTwilioRoutes({ sim: this.sim, engine: this.engine, authToken: credentials.authToken, faults: () => this.faults, seed });
    mountTwilioConsole({ sim: this.sim, engine: this.engine });
  }

  get clock(): SimClock {
    return this.sim.clock;
  }

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  /** Listens on 127.0.0.1; with a non-manual clock, also applies due transitions on a real timer. */
  async start(port = 0): Promise<string> {
    const url = await this.sim.start(port);
    if (!(this.sim.clock instanceof ManualClock) && this.#timer === null) {
      this.#timer = setInterval(() => this.engine.processDue(), 200);
      this.#timer.unref();
    }
    return url;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.sim.stop();
  }

  describe(): SimulatorDescription {
    return this.sim.describe();
  }

  /** Stored messages (all directions), newest first. */
  messages(query: MessageQuery = {}): StoredMessage[] {
    this.engine.processDue();
    return this.engine.store.find(query);
  }

  message(sid: string): StoredMessage | undefined {
    this.engine.processDue();
    return this.engine.store.get(sid);
  }

  /** A handset texts one of our numbers (default: whoever texted it last). */
  handsetSend(args: { phone: string; body: string; to?: string }): InboundResult {
    this.engine.processDue();
    return this.engine.receive(args);
  }

  isOptedOut(phone: string, scope: string): boolean {
    return this.engine.optOuts.isBlocked(phone, scope);
  }

  /** Applies due transitions, then delivers due webhooks. */
  async runDue(): Promise<void> {
    this.engine.processDue();
    await this.sim.webhooks.runDue();
  }

  /** Moves a ManualClock forward, applying each transition and delivering each webhook at its own time. */
  async advance(ms: number): Promise<void> {
    await advanceBy(manualClockOf(this.sim.clock), ms, this.#drivable());
  }

  /** Advances until no transition, reply or webhook is pending. */
  async flush(maxSteps = 1_000_000): Promise<void> {
    await flushAll(manualClockOf(this.sim.clock), this.#drivable(), 'twilio', maxSteps);
  }

  /** Forgets messages, opt-outs, queues, pending webhooks, the request log and magic overrides. */
  reset(): void {
    this.engine.reset();
    this.sim.webhooks.clear();
    this.sim.log.clear();
    this.recipients.resetOverrides();
    this.faults = NO_FAULTS;
  }

  #drivable(): Drivable {
    return { runDue: () => this.runDue(), nextDueAt: () => earliest(this.engine.nextEventAt(), this.sim.webhooks.nextDueAt()) };
  }
}

export function createTwilioSimulator(options: TwilioSimulatorOptions = {}): TwilioSimulator {
  return new TwilioSimulator(options);
}

