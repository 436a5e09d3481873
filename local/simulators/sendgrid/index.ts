/**
 * The SendGrid simulator (docs/simulators.md "SendGrid"): v3 Mail Send, per-recipient events,
 * signed batched Event Webhook posts, suppressions, and an inbox console. Reached only through the
 * real `@sendgrid/mail` / `@sendgrid/client` SDKs: `configureSendGrid({ apiKey, apiBaseOverride:
 * sim.baseUrl })` (setDefaultRequest('baseUrl') after setApiKey). Console at `/_sim/sendgrid/`.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  advanceBy,
  DEFAULT_CREDENTIALS,
  earliest,
  flushAll,
  ManualClock,
  manualClockOf,
  SENDGRID_RETRY,
  Simulator,
  generateSendGridKeyPair,
  localSendGridWebhookKey,
  sendGridKeyPairFromPem,
  systemClock,
  type Drivable,
  type MagicTable,
  type SimClock,
  type SimulatorDescription,
  type WebhookQueueKnobs,
} from '../harness';
import { mountSendGridConsole } from './console';
import type { Actor } from './engagement';
import { SendGridEngine } from './engine';
import { DEFAULT_ACCOUNT_TRACKING, DEFAULT_ENGAGEMENT, DEFAULT_TIMING, createMailboxTable, type AccountTracking, type EngagementKnobs, type MailOutcome, type MailQuery, type OneClickAttempt, type SendGridEvent, type StoredMail, type TimingKnobs } from './model';
import { performOneClick } from './oneclick';
import { DEFAULT_WEBHOOK_SETTINGS, EventOutbox, type EventWebhookSettings, type PostedBatch } from './outbox';
import { NO_FAULTS, mountSendGridRoutes, type FaultKnobs } from './routes';
import type { SuppressionEntry } from './suppressions';
import { BUILTIN_TEMPLATES, TemplateStore, type StoredTemplate } from './templates';

export { DEFAULT_MAGIC_RULES, MAGIC_DOMAIN, type MailOutcome, type MailQuery, type MailStatus, type SendGridEvent, type SendGridEventName, type StoredMail } from './model';
export { BUILTIN_TEMPLATES, type StoredTemplate } from './templates';
export type { EventWebhookSettings, PostedBatch } from './outbox';
export type { FaultKnobs } from './routes';
export type { SuppressionEntry, SuppressionList } from './suppressions';
export { ONE_CLICK_BODY } from './oneclick';

export interface SendGridSimulatorOptions {
  readonly clock?: SimClock;
  readonly seed?: number;
  /** API keys accepted as `Authorization: Bearer …`. Default: `DEFAULT_CREDENTIALS.sendgrid.apiKey`. */
  readonly credentials?: { readonly apiKey: string; readonly extraApiKeys?: readonly string[] };
  /** Event Webhook signing key: a PKCS#8 PEM (the host's per-data-dir key), `'generate'`, or default `localSendGridWebhookKey()`. */
  readonly signingKey?: { readonly privateKeyPem: string } | 'generate';
  /** Base of the app's public URL; the default Event Webhook URL is `<base>/_functions/sendgrid/events`. */
  readonly publicWebhookBase?: string | (() => string);
  /** Overrides the Event Webhook URL entirely. */
  readonly eventWebhookUrl?: string | (() => string);
  /** Event Webhook settings (enabled, signed, event selection, batch window / size). */
  readonly webhook?: Partial<Omit<EventWebhookSettings, 'url'>>;
  readonly timing?: Partial<TimingKnobs>;
  readonly engagement?: Partial<EngagementKnobs>;
  /** Account-level tracking defaults (click / open on, subscription tracking off). */
  readonly tracking?: Partial<AccountTracking>;
  /** Templates added to the built-in ones. */
  readonly templates?: readonly StoredTemplate[];
  /** Unsubscribe group ids that exist; default: any positive id is accepted. */
  readonly asmGroups?: readonly number[] | null;
  /** Newest messages that keep their rendered HTML / text (default 20,000); older ones keep state and events only. */
  readonly contentRetention?: number;
  /** Verified sender identities; a `from` outside them answers 403. Default: any sender. */
  readonly verifiedSenders?: readonly (string | RegExp)[] | null;
  /** Webhook queue knobs (delay, duplicates, reorder, retry); seed defaults to `seed`. */
  readonly webhooks?: Partial<WebhookQueueKnobs> & { readonly seed?: number };
  readonly autoDeliver?: boolean;
}

export class SendGridSimulator {
  readonly sim: Simulator;
  readonly engine: SendGridEngine;
  /** Magic recipient addresses; `override()` in tests. */
  readonly mailboxes: MagicTable<MailOutcome>;
  readonly templates: TemplateStore;
  /** The Event Webhook verification key, base64 DER SPKI (set SENDGRID_WEBHOOK_PUBLIC_KEY to it). */
  readonly webhookPublicKey: string;
  faults: FaultKnobs = NO_FAULTS;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: SendGridSimulatorOptions = {}) {
    const clock = options.clock ?? systemClock;
    const seed = options.seed ?? 42;
    const apiKeys = [options.credentials?.apiKey ?? DEFAULT_CREDENTIALS.sendgrid.apiKey, ...(options.credentials?.extraApiKeys ?? [])];
    const privateKey = signingKeyOf(options.signingKey);
    this.webhookPublicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
    const base = options.publicWebhookBase ?? 'http://127.0.0.1:8080';
    const explicitUrl = options.eventWebhookUrl;
    const defaultUrl = (): string =>
      explicitUrl === undefined ? `${(typeof base === 'function' ? base() : base).replace(/\/+$/, '')}/_functions/sendgrid/events` : typeof explicitUrl === 'function' ? explicitUrl() : explicitUrl;
    this.sim = new Simulator({
      name: 'sendgrid',
      title: 'SendGrid email simulator',
      description: 'v3 Mail Send, per-recipient events, signed batched Event Webhook, suppressions, inbox with tracked links and one-click unsubscribe',
      errorDialect: 'sendgrid',
      clock,
      maxBodyBytes: 30 * 1024 * 1024,
      webhooks: {
        seed: options.webhooks?.seed ?? seed,
        delayMs: options.webhooks?.delayMs ?? [500, 5_000],
        duplicateRate: options.webhooks?.duplicateRate ?? 0.01,
        reorderJitterMs: options.webhooks?.reorderJitterMs ?? 10_000,
        retry: options.webhooks?.retry ?? SENDGRID_RETRY,
      },
      ...(options.autoDeliver !== undefined ? { autoDeliver: options.autoDeliver } : {}),
    });
    this.mailboxes = createMailboxTable();
    this.sim.registerMagicTable('Magic recipients (to / cc / bcc)', this.mailboxes);
    this.templates = new TemplateStore([...BUILTIN_TEMPLATES, ...(options.templates ?? [])]);
    const outbox = new EventOutbox({ queue: this.sim.webhooks, clock, privateKey, defaultUrl, settings: { ...DEFAULT_WEBHOOK_SETTINGS, ...options.webhook, url: null } });
    this.engine = new SendGridEngine({
      clock,
      seed,
      mailboxes: this.mailboxes,
      templates: this.templates,
      outbox,
      baseUrl: () => this.sim.baseUrl,
      timing: { ...DEFAULT_TIMING, ...options.timing },
      engagement: { ...DEFAULT_ENGAGEMENT, ...options.engagement },
      accountTracking: { ...DEFAULT_ACCOUNT_TRACKING, ...options.tracking },
      contentRetention: options.contentRetention ?? 20_000,
    });
    mountSendGridRoutes({
      sim: this.sim,
      engine: this.engine,
      templates: this.templates,
      apiKeys: () => apiKeys,
      publicKey: this.webhookPublicKey,
      asmGroups: options.asmGroups ?? null,
      verifiedSenders: options.verifiedSenders ?? null,
      faults: () => this.faults,
      seed,
    });
    mountSendGridConsole({ sim: this.sim, engine: this.engine, publicKey: this.webhookPublicKey });
  }

  get clock(): SimClock {
    return this.sim.clock;
  }

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  /** Listens on 127.0.0.1; with a non-manual clock, also applies due events on a real timer. */
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

  /** Stored messages (one per recipient), newest first. */
  messages(query: MailQuery = {}): StoredMail[] {
    this.engine.processDue();
    return this.engine.mails(query);
  }

  message(sgMessageId: string): StoredMail | undefined {
    this.engine.processDue();
    return this.engine.mail(sgMessageId);
  }

  /** Events emitted so far (posted or not), oldest first; optionally of one recipient. */
  events(filter: { email?: string; xMessageId?: string } = {}): SendGridEvent[] {
    this.engine.processDue();
    const email = filter.email?.trim().toLowerCase();
    return this.engine.events().filter((e) => (email === undefined || e.email.toLowerCase() === email) && (filter.xMessageId === undefined || e.sg_message_id.startsWith(`${filter.xMessageId}.`)));
  }

  suppressions(): SuppressionEntry[] {
    return this.engine.suppressions.list();
  }

  /** Event Webhook batches closed so far (webhook ids in the harness queue, event ids, size). */
  postedBatches(): PostedBatch[] {
    return this.engine.outbox.posted();
  }

  /** Changes the Event Webhook settings (URL, enabled, signed, event selection, batching). */
  configureWebhook(patch: Partial<EventWebhookSettings>): EventWebhookSettings {
    this.engine.outbox.settings = { ...this.engine.outbox.settings, ...patch };
    return this.engine.outbox.settings;
  }

  open(sgMessageId: string, options: { machine?: boolean } & Actor = {}): SendGridEvent | null {
    return this.engine.engage.open(sgMessageId, options, options.machine ?? false);
  }

  click(sgMessageId: string, index = 0, actor: Actor = {}): SendGridEvent | null {
    return this.engine.engage.click(sgMessageId, index, actor)?.event ?? null;
  }

  spamReport(sgMessageId: string): SendGridEvent | null {
    return this.engine.engage.spamReport(sgMessageId);
  }

  /** What a mailbox provider does for RFC 8058: POST `List-Unsubscribe=One-Click` to the message's List-Unsubscribe URL. */
  async oneClickUnsubscribe(sgMessageId: string): Promise<OneClickAttempt> {
    const m = this.message(sgMessageId);
    if (!m) throw new Error(`no message ${sgMessageId}`);
    const attempt = await performOneClick(m, this.sim.clock);
    this.engine.processDue();
    return attempt;
  }

  /** Applies due events and closes due batches, then delivers due webhooks. */
  async runDue(): Promise<void> {
    this.engine.processDue();
    await this.sim.webhooks.runDue();
  }

  /** Moves a ManualClock forward, applying each event and delivering each webhook at its own time. */
  async advance(ms: number): Promise<void> {
    await advanceBy(manualClockOf(this.sim.clock), ms, this.#drivable());
  }

  /** Advances until no message event, open batch or webhook (retries included) is pending. */
  async flush(maxSteps = 1_000_000): Promise<void> {
    await flushAll(manualClockOf(this.sim.clock), this.#drivable(), 'sendgrid', maxSteps);
  }

  /** Forgets messages, events, suppressions, pending webhooks, the request log, magic overrides and faults. */
  reset(): void {
    this.engine.reset();
    this.sim.webhooks.clear();
    this.sim.log.clear();
    this.mailboxes.resetOverrides();
    this.faults = NO_FAULTS;
  }

  #drivable(): Drivable {
    return { runDue: () => this.runDue(), nextDueAt: () => earliest(this.engine.nextEventAt(), this.sim.webhooks.nextDueAt()) };
  }
}

export function createSendGridSimulator(options: SendGridSimulatorOptions = {}): SendGridSimulator {
  return new SendGridSimulator(options);
}

function signingKeyOf(option: SendGridSimulatorOptions['signingKey']): KeyObject {
  if (option === undefined) return localSendGridWebhookKey();
  if (option === 'generate') return generateSendGridKeyPair().privateKey;
  return sendGridKeyPairFromPem(option.privateKeyPem).privateKey;
}

