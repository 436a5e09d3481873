/**
 * SendGrid simulator events on a manual clock, sent through the real `@sendgrid/mail`: each magic
 * address's event sequence, the fields every event carries, batched Event Webhook posts signed so
 * that both the official `@sendgrid/eventwebhook` verifier and the site's verifySendGridSignature
 * accept the raw body (and reject a tampered one), retries on non-2xx, duplicates with the same
 * sg_event_id, suppressions turning the next send into `dropped`, and seeded engagement.
 */
import { Client } from '@sendgrid/client';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { DEFAULT_CREDENTIALS, ManualClock, SENDGRID_RETRY, generateSendGridKeyPair } from '../../local/simulators/harness';
import { createSendGridSimulator, type SendGridEvent, type SendGridSimulator, type SendGridSimulatorOptions } from '../../local/simulators/sendgrid';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../local/simulators/twilio/receiver';
import { configureSendGrid, verifySendGridSignature, type SendGridMailService } from '../../src/backend/providers';

const { apiKey, webhookPublicKey } = DEFAULT_CREDENTIALS.sendgrid;
const FROM = 'recruiting@lonestar.example';
const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);

let receiver: WebhookReceiver;
let sim: SendGridSimulator;
let mail: SendGridMailService;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

async function boot(options: Partial<SendGridSimulatorOptions> = {}): Promise<void> {
  sim = createSendGridSimulator({ clock: new ManualClock(T0), seed: 9, publicWebhookBase: receiver.baseUrl, webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 }, ...options });
  await sim.start();
  mail = configureSendGrid({ apiKey, apiBaseOverride: sim.baseUrl });
  receiver.received.length = 0;
  receiver.respondWith(200);
}
afterEach(async () => sim.stop());

const posted = (): SendGridEvent[] => receiver.received.flatMap((r) => JSON.parse(r.rawBody) as SendGridEvent[]);
const postedFor = (email: string): SendGridEvent[] => posted().filter((e) => e.email === email);

async function send(to: string | string[], extra: Record<string, unknown> = {}): Promise<string> {
  const [response] = await mail.send({ to, from: FROM, subject: 'Regional lanes', html: '<p>Pay up to $1,700/wk. <a href="https://jobs.example/apply/7">Apply</a></p>', isMultiple: Array.isArray(to), ...extra });
  return String(response.headers['x-message-id']);
}

function officialVerify(r: ReceivedWebhook, body: string | Buffer = r.rawBody): boolean {
  const ew = new EventWebhook();
  const sig = r.headers[EventWebhookHeader.SIGNATURE().toLowerCase()] ?? '';
  const ts = r.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()] ?? '';
  return ew.verifySignature(ew.convertPublicKeyToECDSA(webhookPublicKey), body, sig, ts);
}

function siteVerify(r: ReceivedWebhook, payload: string = r.rawBody, publicKey: string = webhookPublicKey): boolean {
  return verifySendGridSignature({ publicKey, payload, signature: r.headers['x-twilio-email-event-webhook-signature'], timestamp: r.headers['x-twilio-email-event-webhook-timestamp'] });
}

describe('magic addresses', () => {
  beforeEach(() => boot());

  it.each<[string, string[], Record<string, unknown>]>([
    ['bounce@sendgrid.test', ['processed', 'bounce'], { type: 'bounce', status: '5.1.1', bounce_classification: 'Invalid Address' }],
    ['softbounce@sendgrid.test', ['processed', 'deferred', 'deferred', 'bounce'], { type: 'bounce', status: '4.2.2', bounce_classification: 'Mailbox Unavailable' }],
    ['blocked@sendgrid.test', ['processed', 'bounce'], { type: 'blocked', status: '5.7.1', bounce_classification: 'Reputation' }],
    ['dropped@sendgrid.test', ['processed', 'dropped'], { reason: 'Invalid', status: '5.0.0' }],
    ['deferred+a1@sendgrid.test', ['processed', 'deferred', 'deferred', 'delivered'], { response: expect.stringMatching(/^250 /), tls: 1 }],
    ['spamreport@sendgrid.test', ['processed', 'delivered', 'spamreport'], {}],
    ['noopen@sendgrid.test', ['processed', 'delivered'], { response: expect.stringMatching(/^250 /) }],
    ['engaged@sendgrid.test', ['processed', 'delivered', 'open', 'click'], { url: 'https://jobs.example/apply/7', url_offset: { index: 0, type: 'html' } }],
    ['machineopen@sendgrid.test', ['processed', 'delivered', 'open'], { sg_machine_open: true, useragent: expect.any(String) }],
  ])('%s → %j', async (to, sequence, lastFields) => {
    await send(to);
    await sim.flush();
    const events = postedFor(to);
    expect(events.map((e) => e.event)).toEqual(sequence);
    expect(events[events.length - 1]).toMatchObject(lastFields);
    expect(events.map((e) => e.timestamp)).toEqual([...events.map((e) => e.timestamp)].sort((a, b) => a - b));
    if (sequence.includes('deferred')) expect(events.filter((e) => e.event === 'deferred').map((e) => e.attempt)).toEqual(['1', '2']);
    if (to.startsWith('engaged')) expect(events[2]).toMatchObject({ event: 'open', sg_machine_open: false });
    expect(sim.messages({ to })[0]?.events).toEqual(events);
  });

  it('matches magic addresses only on the reserved domain, case-insensitively', async () => {
    await send(['BOUNCE@SendGrid.test', 'bounce@drivers.example']);
    await sim.flush();
    expect(postedFor('BOUNCE@SendGrid.test').map((e) => e.event)).toEqual(['processed', 'bounce']);
    expect(postedFor('bounce@drivers.example').map((e) => e.event).slice(0, 2)).toEqual(['processed', 'delivered']);
  });
});

describe('event fields', () => {
  beforeEach(() => boot());

  it('every event carries the common fields, the categories and the custom_args at top level (SendGrid fields win)', async () => {
    const xMessageId = await send(['engaged@sendgrid.test', 'softbounce@sendgrid.test'], { categories: ['campaign', 'cdl-a'], customArgs: { message_id: 'em_1', campaign_id: 'c9', event: 'spoofed', email: 'spoofed' } });
    await sim.flush();
    const events = posted();
    expect(events.length).toBe(8);
    for (const e of events) {
      expect(e).toMatchObject({ message_id: 'em_1', campaign_id: 'c9', category: ['campaign', 'cdl-a'], 'smtp-id': `<${xMessageId}@ismtpd0001p1las1.sendgrid.net>` });
      expect(['engaged@sendgrid.test', 'softbounce@sendgrid.test']).toContain(e.email);
      expect(e.event).not.toBe('spoofed');
      expect(e.sg_message_id.startsWith(`${xMessageId}.`)).toBe(true);
      expect(e.sg_event_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Number.isInteger(e.timestamp) && e.timestamp >= T0 / 1000).toBe(true);
    }
    expect(new Set(events.map((e) => e.sg_event_id)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.sg_message_id)).size).toBe(2);
    expect(events.find((e) => e.event === 'processed')).toMatchObject({ send_at: 0 });
  });

  it('send_at holds the message until its time; processed reports it', async () => {
    const sendAt = T0 / 1000 + 3600;
    await send('noopen@sendgrid.test', { sendAt });
    await sim.advance(3_500_000);
    expect(sim.events()).toEqual([]);
    expect(sim.messages()[0]?.status).toBe('scheduled');
    await sim.flush();
    const [processed] = postedFor('noopen@sendgrid.test');
    expect(processed).toMatchObject({ event: 'processed', send_at: sendAt });
    expect(processed?.timestamp).toBeGreaterThanOrEqual(sendAt);
  });
});

describe('signed, batched Event Webhook posts', () => {
  beforeEach(() => boot());

  it('posts ",\\r\\n"-joined batches with SendGrid headers that both verifiers accept; tampering fails', async () => {
    await send(['noopen@sendgrid.test', 'noopen+2@sendgrid.test', 'bounce@sendgrid.test']);
    await sim.flush();
    expect(receiver.received.length).toBe(1); // everything fell within one 30 s batch window
    const [r] = receiver.received;
    if (!r) throw new Error('no batch');
    expect(r.path).toBe('/_functions/sendgrid/events');
    expect(r.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(r.headers['user-agent']).toBe('SendGrid Event API');
    expect(r.rawBody.startsWith('[{')).toBe(true);
    expect(r.rawBody.endsWith('}]\r\n')).toBe(true);
    expect(r.rawBody.split('},\r\n{').length).toBe(6);
    expect(r.headers['x-twilio-email-event-webhook-timestamp']).toMatch(/^\d{10}$/);

    expect(officialVerify(r)).toBe(true);
    expect(officialVerify(r, Buffer.from(r.rawBody, 'utf8'))).toBe(true);
    expect(siteVerify(r)).toBe(true);

    const tampered = r.rawBody.replace('"bounce"', '"delivered"');
    expect(tampered).not.toBe(r.rawBody);
    expect(officialVerify(r, tampered)).toBe(false);
    expect(siteVerify(r, tampered)).toBe(false);
    const reserialised = JSON.stringify(JSON.parse(r.rawBody));
    expect(siteVerify(r, reserialised)).toBe(false);
    expect(siteVerify(r, r.rawBody, 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==')).toBe(false);
  });

  it('a batch closes after the batch window, and a byte limit splits large batches', async () => {
    await sim.stop();
    await boot({ webhook: { batchWindowMs: 30_000, maxBatchBytes: 1_500 } });
    await send(Array.from({ length: 4 }, (_, i) => `noopen+${i}@sendgrid.test`));
    await sim.flush();
    expect(posted().length).toBe(8);
    expect(receiver.received.length).toBeGreaterThan(1);
    for (const r of receiver.received) {
      expect(Buffer.byteLength(r.rawBody)).toBeLessThanOrEqual(1_500);
      expect(siteVerify(r)).toBe(true);
    }
    expect(sim.postedBatches().map((b) => b.sgEventIds.length).reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('signs with a given key pair (the host\'s per-data-dir PEM), and can post unsigned when signing is off', async () => {
    await sim.stop();
    const pair = generateSendGridKeyPair();
    await boot({ signingKey: { privateKeyPem: pair.privateKeyPem } });
    expect(sim.webhookPublicKey).toBe(pair.publicKeyBase64);
    await send('noopen@sendgrid.test');
    await sim.flush();
    const [signed] = receiver.received;
    if (!signed) throw new Error('no batch');
    expect(siteVerify(signed, signed.rawBody, sim.webhookPublicKey)).toBe(true);
    expect(siteVerify(signed)).toBe(false);

    receiver.received.length = 0;
    sim.configureWebhook({ signed: false });
    await send('noopen+2@sendgrid.test');
    await sim.flush();
    expect(receiver.received[0]?.headers['x-twilio-email-event-webhook-signature']).toBeUndefined();
  });

  it('retries a batch answered non-2xx with backoff, re-signing each attempt; the body stays byte-identical', async () => {
    receiver.respondWith(500);
    await send('noopen@sendgrid.test');
    for (let i = 0; i < 120 && receiver.received.length === 0; i += 1) await sim.advance(1_000);
    expect(receiver.received.length).toBe(1);
    receiver.respondWith(200);
    await sim.flush();
    const [first, second] = receiver.received;
    if (!first || !second) throw new Error('expected a retry');
    expect(receiver.received.length).toBe(2);
    expect(second.rawBody).toBe(first.rawBody);
    expect(siteVerify(first) && siteVerify(second) && officialVerify(second)).toBe(true);
    const tsFirst = Number(first.headers['x-twilio-email-event-webhook-timestamp']);
    expect(Number(second.headers['x-twilio-email-event-webhook-timestamp']) - tsFirst).toBe(SENDGRID_RETRY.backoffMs[0]! / 1000);
    const attempts = sim.sim.webhooks.deliveries();
    expect(attempts.map((d) => [d.attempt, d.outcome.kind])).toEqual([
      [1, 'rejected'],
      [2, 'delivered'],
    ]);
    expect(attempts[0]?.outcome).toEqual({ kind: 'rejected', status: 500, retryAt: attempts[1]?.at });
  });

  it('gives up after SendGrid\'s retry schedule when the endpoint keeps failing', async () => {
    receiver.respondWith(503);
    await send('noopen@sendgrid.test');
    await sim.flush();
    expect(receiver.received.length).toBe(SENDGRID_RETRY.backoffMs.length + 1);
    expect(sim.sim.webhooks.stats.gaveUp).toBe(1);
    expect(new Set(receiver.received.map((r) => r.rawBody)).size).toBe(1);
  });

  it('duplicated deliveries repeat the same events with the same sg_event_id', async () => {
    await sim.stop();
    await boot({ webhooks: { delayMs: [0, 2_000], duplicateRate: 1, reorderJitterMs: 0 } });
    await send(['engaged@sendgrid.test', 'noopen@sendgrid.test']);
    await sim.flush();
    const ids = posted().map((e) => e.sg_event_id);
    expect(ids.length).toBe(2 * sim.events().length);
    expect(new Set(ids)).toEqual(new Set(sim.events().map((e) => e.sg_event_id)));
    expect(sim.sim.webhooks.deliveries().filter((d) => d.duplicateOf !== null).length).toBe(receiver.received.length / 2);
    for (const r of receiver.received) expect(siteVerify(r)).toBe(true);
  });
});

describe('suppressions', () => {
  beforeEach(() => boot());

  it('a hard bounce suppresses the address: the next send is dropped ("Bounced Address") until it is deleted', async () => {
    await send('bounce+x@sendgrid.test');
    await sim.flush();
    await send('bounce+x@sendgrid.test');
    await sim.flush();
    expect(postedFor('bounce+x@sendgrid.test').map((e) => e.event)).toEqual(['processed', 'bounce', 'processed', 'dropped']);
    expect(postedFor('bounce+x@sendgrid.test')[3]).toMatchObject({ reason: 'Bounced Address', status: '5.0.0' });

    const client = new Client();
    client.setApiKey(apiKey);
    client.setDefaultRequest('baseUrl', `${sim.baseUrl}/`);
    const [, bounces] = await client.request({ method: 'GET', url: '/v3/suppression/bounces' });
    expect(bounces).toEqual([expect.objectContaining({ email: 'bounce+x@sendgrid.test', status: '5.1.1' })]);
    const [deleted] = await client.request({ method: 'DELETE', url: '/v3/suppression/bounces/bounce+x@sendgrid.test' });
    expect(deleted.statusCode).toBe(204);
    await send('bounce+x@sendgrid.test');
    await sim.flush();
    expect(postedFor('bounce+x@sendgrid.test').slice(4).map((e) => e.event)).toEqual(['processed', 'bounce']);
  });

  it('a spam report suppresses the address ("Spam Reporting Address"); bypass_list_management sends anyway', async () => {
    const driver = 'ana@drivers.example';
    await send(driver);
    await sim.flush();
    const first = sim.messages({ to: driver })[0];
    expect(first?.status).toBe('delivered');
    expect(sim.spamReport(first?.sgMessageId ?? '')).toMatchObject({ event: 'spamreport' });
    await send(driver);
    await send(driver, { mailSettings: { bypassListManagement: { enable: true } } });
    await sim.flush();
    const [bypassed, dropped] = sim.messages({ to: driver });
    expect(dropped?.events.map((e) => e.event)).toEqual(['processed', 'dropped']);
    expect(dropped?.events[1]).toMatchObject({ reason: 'Spam Reporting Address' });
    expect(bypassed?.status).toBe('delivered');
    expect(sim.suppressions()).toEqual([expect.objectContaining({ list: 'spam_reports', email: driver })]);
  });
});

describe('seeded engagement of ordinary recipients', () => {
  const run = async (seed: number): Promise<string[]> => {
    await boot({ seed, engagement: { openRate: 1, machineOpenShare: 0.5, clickRate: 1 } });
    await send(Array.from({ length: 16 }, (_, i) => `driver${i}@drivers.example`));
    await sim.flush();
    const events = posted();
    await sim.stop();
    return events.map((e) => `${e.email} ${e.event} ${e.timestamp} ${String(e['sg_machine_open'] ?? '')}`);
  };
  it('opens everyone (some by machine), human openers click, machines never do; the same seed replays exactly', async () => {
    const a = await run(3);
    const machine = a.filter((l) => l.includes(' open ') && l.endsWith('true')).map((l) => l.split(' ')[0]);
    const human = a.filter((l) => l.includes(' open ') && l.endsWith('false')).map((l) => l.split(' ')[0]);
    const clickers = a.filter((l) => l.includes(' click ')).map((l) => l.split(' ')[0]);
    expect(machine.length + human.length).toBe(16);
    expect(machine.length).toBeGreaterThan(0);
    expect(human.length).toBeGreaterThan(0);
    expect(new Set(clickers)).toEqual(new Set(human));
    expect(await run(3)).toEqual(a);
    expect(await run(4)).not.toEqual(a);
  });
});
