/**
 * Shared setup of the SendGrid Event Webhook tests: an in-memory Wix runtime on a clock the test
 * (and the SendGrid simulator) drives, the webhook key secret, seeded EmailMessages, event builders
 * and signed http-function requests built the way SendGrid frames them (",\r\n"-joined body).
 */
import http from 'node:http';
import type { WixHttpFunctionRequest } from 'wix-http-functions';
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { handleHttpFunction } from '../../local/host/functions-router';
import { silentLogger } from '../../local/host/http-util';
import type { ModuleExports } from '../../local/host/site-types';
import { installRuntime, runInCall, uninstallRuntime, type CallContext } from '../../local/runtime';
import { DEFAULT_CREDENTIALS, localSendGridWebhookKey, sendGridEventBatchBody, sendGridSignature } from '../../local/simulators/harness';
import type { EmailMessage } from '../../src/backend/collections/email';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import * as hooks from '../../src/backend/data';
import * as httpFunctions from '../../src/backend/http-functions';
import { categoriesFor, emailCustomArgs } from '../../src/backend/email/compose';
import { elevatedCollection } from '../../src/backend/platform';
import { EmailMessages } from '../../src/backend/collections/email';

export const DOT = '2233445';
export const T0 = Date.parse('2026-11-02T15:00:00Z');
const JOB: CallContext = { identity: { memberId: null, roles: ['Admin'] }, elevated: true, kind: 'job', deadline: null };
const HTTP: CallContext = { identity: { memberId: null, roles: [] }, elevated: false, kind: 'httpFunction', deadline: null };

export interface EventsWorld {
  readonly emulator: LocalDataEmulator;
  readonly secrets: Record<string, string>;
  /** The site clock (ms); the simulator tests point it at the simulator's ManualClock. */
  readonly clock: { now(): number; set(ms: number): void };
  asJob<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs as an http function does: anonymous, not elevated. */
  asHttp<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export function createEventsWorld(options: { now?: () => number } = {}): EventsWorld {
  let fixed = T0;
  const clock = { now: options.now ?? (() => fixed), set: (ms: number) => void (fixed = ms) };
  const emulator = createDataEmulator({ dataDir: null, collections: emulatedCollectionConfigs(), strictCollections: true, now: () => clock.now() });
  emulator.setHooks(hooks);
  const secrets: Record<string, string> = { SENDGRID_WEBHOOK_PUBLIC_KEY: DEFAULT_CREDENTIALS.sendgrid.webhookPublicKey };
  installRuntime({ dataItems: emulator.items, secrets: { get: (name) => secrets[name] }, members: { get: () => undefined }, fetch: globalThis.fetch, clock });
  return {
    emulator,
    secrets,
    clock,
    asJob: (fn) => runInCall(JOB, fn),
    asHttp: (fn) => runInCall(HTTP, fn),
    close: () => {
      emulator.close();
      uninstallRuntime();
    },
  };
}

/** A message as the sender writes it after SendGrid accepted the request. */
export function storedMessage(id: string, overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    _id: id,
    campaign_id: 'camp-1',
    carrier_dot: DOT,
    driver_id: `drv-${id}`,
    email_address: `${id}@drivers.example`,
    subject: 'Regional CDL-A lanes',
    sendgrid_id: `X${id}`,
    status: 'sent',
    sent_at: new Date(T0 - 60_000),
    opened: false,
    open_count: 0,
    clicked: false,
    click_count: 0,
    clicked_links: [],
    unsubscribed: false,
    spam_reported: false,
    ...overrides,
  };
}

export async function seedMessages(world: EventsWorld, list: readonly EmailMessage[]): Promise<void> {
  await world.asJob(async () => {
    for (let i = 0; i < list.length; i += 1000) await elevatedCollection(EmailMessages).bulkInsert(list.slice(i, i + 1000));
  });
  world.emulator.resetStats();
}

export async function readMessage(world: EventsWorld, id: string): Promise<EmailMessage | null> {
  return world.asJob(() => elevatedCollection(EmailMessages).get(id));
}

let eventSeq = 0;

/** One wire event about a stored message, with our custom args (as the sender sets them: `emailCustomArgs`) unless `bare`. */
export function wireEvent(message: Pick<EmailMessage, '_id' | 'email_address' | 'sendgrid_id'>, event: string, extra: Record<string, unknown> = {}, options: { bare?: boolean; at?: number } = {}): Record<string, unknown> {
  eventSeq += 1;
  return {
    ...(options.bare ? {} : emailCustomArgs({ messageId: message._id, carrierDot: DOT })),
    email: message.email_address,
    timestamp: Math.floor((options.at ?? T0) / 1000),
    'smtp-id': `<${message.sendgrid_id ?? 'x'}@ismtpd0001p1las1.sendgrid.net>`,
    event,
    category: categoriesFor('campaign'),
    sg_event_id: `ev${String(eventSeq).padStart(6, '0')}${event.slice(0, 4)}`,
    sg_message_id: `${message.sendgrid_id ?? 'none'}.filterdrecv-7bf8-1-${eventSeq}.0`,
    ...extra,
  };
}

export interface SignedOptions {
  /** Unix seconds used in the signature and header (default: the site clock). */
  readonly timestamp?: string;
  readonly signature?: string;
  /** Bytes sent instead of the signed body (a tampered body). */
  readonly sendBody?: string;
  readonly omitHeaders?: boolean;
}

/** An http-function request carrying `body` signed with the simulator's fixed key, as SendGrid posts it. */
export function signedRequest(body: string, nowMs: number, options: SignedOptions = {}): WixHttpFunctionRequest {
  const timestamp = options.timestamp ?? String(Math.floor(nowMs / 1000));
  const signature = options.signature ?? sendGridSignature(localSendGridWebhookKey(), timestamp, body);
  const raw = Buffer.from(options.sendBody ?? body, 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=utf-8', 'user-agent': 'SendGrid Event API' };
  if (!options.omitHeaders) {
    headers['x-twilio-email-event-webhook-signature'] = signature;
    headers['x-twilio-email-event-webhook-timestamp'] = timestamp;
  }
  return {
    method: 'POST',
    path: ['events'],
    query: {},
    headers,
    url: 'https://recruiting.example.com/_functions/sendgrid/events',
    baseUrl: 'https://recruiting.example.com/_functions',
    functionName: 'sendgrid',
    ip: '127.0.0.1',
    body: { text: async () => raw.toString('utf8'), json: async () => JSON.parse(raw.toString('utf8')) as unknown, buffer: async () => Buffer.from(raw) },
  };
}

export const batchBody = (events: readonly unknown[]): string => sendGridEventBatchBody(events);

/** Posts a signed batch to `post_sendgrid` as an http function; returns the status. */
export async function postEvents(world: EventsWorld, events: readonly unknown[], options: SignedOptions = {}): Promise<number> {
  const response = await world.asHttp(() => httpFunctions.post_sendgrid(signedRequest(batchBody(events), world.clock.now(), options)));
  return response.status;
}

/** The site's http functions on a loopback server (the local host's router: raw bytes, 512 KB cap). */
export async function startFunctionsServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void handleHttpFunction(req, res, url, { httpFunctions: async () => httpFunctions as unknown as ModuleExports, publicBaseUrl: () => baseUrl, strict: false, log: silentLogger });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { baseUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
