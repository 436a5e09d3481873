/**
 * Twilio simulator behaviour on a manual clock, through the real SDK: status progression, signed
 * status callbacks (verified by the site's verifier), duplicates / reordering with a fixed seed,
 * throughput queueing, asynchronous magic numbers, STOP → 21610 until START, inbound handsets and
 * driver auto-replies.
 */
import { RestException } from 'twilio';
import { DEFAULT_CREDENTIALS, ManualClock, formValue } from '../../local/simulators/harness';
import { createTwilioSimulator, type TwilioSimulator, type TwilioSimulatorOptions } from '../../local/simulators/twilio';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../../local/simulators/twilio/receiver';
import { createTwilioClient, verifyTwilioSignature, type TwilioClient } from '../../src/backend/providers';

const { accountSid, authToken, fromNumber, messagingServiceSid } = DEFAULT_CREDENTIALS.twilio;
const DRIVER = '+15125550100';

let receiver: WebhookReceiver;
let sim: TwilioSimulator;
let client: TwilioClient;
let clock: ManualClock;
let statusUrl: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  statusUrl = `${receiver.baseUrl}/_functions/twilio/status`;
});
afterAll(async () => receiver.close());

async function boot(options: Partial<TwilioSimulatorOptions> = {}): Promise<void> {
  clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
  sim = createTwilioSimulator({ clock, seed: 11, publicWebhookBase: receiver.baseUrl, webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 }, ...options });
  await sim.start();
  client = createTwilioClient({ accountSid, authToken, apiBaseOverride: sim.baseUrl });
  receiver.received.length = 0;
}
afterEach(async () => sim.stop());

const statuses = (sid: string): string[] => receiver.received.filter((r) => formValue(r.form, 'MessageSid') === sid).map((r) => formValue(r.form, 'MessageStatus') ?? '');
const verified = (r: ReceivedWebhook): boolean => verifyTwilioSignature({ authToken, url: r.url, params: r.form, signature: r.headers['x-twilio-signature'] });

async function expectRestError(promise: Promise<unknown>, code: number): Promise<void> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RestException);
  if (error instanceof RestException) expect(error.code).toBe(code);
}

describe('status machine and callbacks', () => {
  beforeEach(() => boot());

  it('walks queued → sending → sent → delivered on the clock, one signed callback per transition after queued', async () => {
    const m = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'Reply YES for details', statusCallback: statusUrl });
    await sim.advance(0);
    expect((await client.messages(m.sid).fetch()).status).toBe('sending');
    await sim.advance(1_000);
    expect((await client.messages(m.sid).fetch()).status).toBe('sent');
    await sim.advance(10_000);
    const done = await client.messages(m.sid).fetch();
    expect(done.status).toBe('delivered');
    expect(done.price).toBe('-0.00790');
    expect(statuses(m.sid)).toEqual(['sent', 'delivered']);
    const delivered = receiver.received[1];
    if (!delivered) throw new Error('no delivered callback');
    expect(delivered.path).toBe('/_functions/twilio/status');
    expect(delivered.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(delivered.form).toMatchObject({ AccountSid: accountSid, ApiVersion: '2010-04-01', From: fromNumber, To: DRIVER, MessageSid: m.sid, SmsSid: m.sid, SmsStatus: 'delivered' });
    expect(formValue(delivered.form, 'RawDlrDoneDate')).toMatch(/^\d{10}$/);
    expect(formValue(delivered.form, 'ErrorCode')).toBeUndefined();
  });

  it('signs callbacks so verifyTwilioSignature accepts them, and tampering breaks them', async () => {
    await client.messages.create({ to: DRIVER, from: fromNumber, body: 'hi', statusCallback: `${statusUrl}?campaign=c1` });
    await sim.flush();
    expect(receiver.received.length).toBe(2);
    for (const r of receiver.received) expect(verified(r)).toBe(true);
    const r = receiver.received[0];
    if (!r) throw new Error('no callback');
    expect(verifyTwilioSignature({ authToken, url: r.url, params: { ...r.form, MessageStatus: 'delivered' }, signature: r.headers['x-twilio-signature'] })).toBe(false);
    expect(verifyTwilioSignature({ authToken, url: r.url.replace('c1', 'c2'), params: r.form, signature: r.headers['x-twilio-signature'] })).toBe(false);
    expect(verifyTwilioSignature({ authToken: 'f'.repeat(32), url: r.url, params: r.form, signature: r.headers['x-twilio-signature'] })).toBe(false);
  });

  it('Messaging Service: accepted → queued callback, MessagingServiceSid in every callback', async () => {
    const m = await client.messages.create({ to: DRIVER, messagingServiceSid, body: 'hi', statusCallback: statusUrl });
    await sim.flush();
    expect(statuses(m.sid)).toEqual(['queued', 'sent', 'delivered']);
    for (const r of receiver.received) expect(formValue(r.form, 'MessagingServiceSid')).toBe(messagingServiceSid);
  });

  it.each([
    ['+15005550031', 'undelivered', 30003],
    ['+15005550051', 'undelivered', 30005],
    ['+15005550061', 'undelivered', 30006],
    ['+15005550071', 'undelivered', 30007],
    ['+15005550081', 'failed', 30008],
  ])('magic %s ends %s with ErrorCode %d', async (to, status, code) => {
    const m = await client.messages.create({ to, from: fromNumber, body: 'hi', statusCallback: statusUrl });
    await sim.flush();
    const final = await client.messages(m.sid).fetch();
    expect([final.status, final.errorCode]).toEqual([status, code]);
    const last = receiver.received[receiver.received.length - 1];
    expect(last && formValue(last.form, 'ErrorCode')).toBe(String(code));
    expect(last && formValue(last.form, 'MessageStatus')).toBe(status);
  });

  it('slow delivery and no-DLR numbers', async () => {
    const slow = await client.messages.create({ to: '+15005550091', from: fromNumber, body: 'hi' });
    const never = await client.messages.create({ to: '+15005550101', from: fromNumber, body: 'hi' });
    await sim.advance(60_000);
    expect((await client.messages(slow.sid).fetch()).status).toBe('sent');
    await sim.advance(600_000);
    expect((await client.messages(slow.sid).fetch()).status).toBe('delivered');
    expect((await client.messages(never.sid).fetch()).status).toBe('sent');
  });
});

describe('webhook realism with a fixed seed', () => {
  it('delivers late, duplicated and out of order, identically for the same seed', async () => {
    const run = async (): Promise<string[]> => {
      await boot({ webhooks: { seed: 3, delayMs: [500, 5_000], duplicateRate: 0.5, reorderJitterMs: 5_000 }, timing: { sentAfterMs: 100, dlrAfterMs: [100, 200] } });
      const sids: string[] = [];
      for (let i = 0; i < 6; i += 1) sids.push((await client.messages.create({ to: `+1512555010${i}`, from: fromNumber, body: `m${i}`, statusCallback: statusUrl })).sid);
      await sim.flush();
      const order = receiver.received.map((r) => `${sids.indexOf(formValue(r.form, 'MessageSid') ?? '')}:${formValue(r.form, 'MessageStatus') ?? ''}`);
      expect(receiver.received.every(verified)).toBe(true);
      await sim.stop();
      return order;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(12); // 12 originals + duplicates
    expect(new Set(first).size).toBe(12);
    const deliveredBeforeSent = [0, 1, 2, 3, 4, 5].some((i) => first.indexOf(`${i}:delivered`) < first.indexOf(`${i}:sent`));
    expect(deliveredBeforeSent).toBe(true);
    await boot(); // afterEach stops it
  });
});

describe('throughput queueing', () => {
  beforeEach(() => boot({ defaultMps: 1 }));

  it('sends one segment per second per sender; the rest wait in queued', async () => {
    const sids: string[] = [];
    for (let i = 0; i < 5; i += 1) sids.push((await client.messages.create({ to: `+1512555020${i}`, from: fromNumber, body: 'x' })).sid);
    await sim.advance(0);
    const now = await Promise.all(sids.map(async (sid) => (await client.messages(sid).fetch()).status));
    expect(now).toEqual(['sending', 'queued', 'queued', 'queued', 'queued']);
    await sim.advance(2_000);
    const later = await Promise.all(sids.map(async (sid) => (await client.messages(sid).fetch()).status));
    expect(later.filter((s) => s === 'queued')).toHaveLength(2);
  });

  it('a message whose queue wait exceeds ValidityPeriod fails with 30001', async () => {
    for (let i = 0; i < 5; i += 1) await client.messages.create({ to: `+1512555030${i}`, from: fromNumber, body: 'x' });
    const late = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'x', validityPeriod: 2 });
    await sim.flush();
    const m = await client.messages(late.sid).fetch();
    expect([m.status, m.errorCode]).toEqual(['failed', 30001]);
  });
});

describe('opt-out keywords and handsets', () => {
  beforeEach(() => boot());

  it('STOP from a handset blocks that sender (21610) until START; Twilio auto-replies; the app gets a signed inbound webhook', async () => {
    await client.messages.create({ to: DRIVER, from: fromNumber, body: 'Hiring now' });
    await sim.flush();
    const stop = sim.handsetSend({ phone: DRIVER, body: ' stop ' });
    expect(stop.keyword).toBe('STOP');
    await sim.flush();
    const inbound = receiver.received.find((r) => r.path === '/_functions/twilio/incoming');
    if (!inbound) throw new Error('no inbound webhook');
    expect(verified(inbound)).toBe(true);
    expect(inbound.form).toMatchObject({ From: DRIVER, To: fromNumber, Body: ' stop ', OptOutType: 'STOP', NumMedia: '0', AccountSid: accountSid, MessagingServiceSid: messagingServiceSid });
    expect(formValue(inbound.form, 'MessageSid')).toMatch(/^SM[0-9a-f]{32}$/);
    await expectRestError(client.messages.create({ to: DRIVER, from: fromNumber, body: 'again' }), 21610);
    await expectRestError(client.messages.create({ to: DRIVER, messagingServiceSid, body: 'again' }), 21610);
    const reply = sim.messages({ to: DRIVER, direction: 'outbound-reply' })[0];
    expect(reply?.body).toContain('unsubscribed');

    sim.handsetSend({ phone: DRIVER, body: 'START' });
    await expect(client.messages.create({ to: DRIVER, from: fromNumber, body: 'welcome back' })).resolves.toBeDefined();
  });

  it('uses Twilio’s narrow keyword list: "stop please" and "unsubscribe me" are ordinary messages', async () => {
    for (const body of ['stop please', 'unsubscribe me', 'No thanks']) {
      expect(sim.handsetSend({ phone: DRIVER, body }).keyword).toBeNull();
    }
    for (const body of ['STOPALL', 'Unsubscribe', 'cancel', 'END', 'quit', 'revoke', 'optout']) {
      expect(sim.handsetSend({ phone: DRIVER, body }).keyword).toBe('STOP');
    }
    expect(sim.handsetSend({ phone: DRIVER, body: 'help' }).keyword).toBe('HELP');
    expect(sim.messages({ direction: 'outbound-reply', to: DRIVER }).some((m) => m.body.startsWith('Reply STOP'))).toBe(false); // HELP reply off by default
  });

  it('the handset HTTP API posts an inbound webhook with the message', async () => {
    const response = await fetch(`${sim.baseUrl}/_sim/twilio/api/handset/${encodeURIComponent(DRIVER)}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'What lanes?', to: fromNumber }),
    });
    expect(response.status).toBe(200);
    await sim.flush();
    expect(receiver.received.map((r) => formValue(r.form, 'Body'))).toEqual(['What lanes?']);
    const conversation = (await (await fetch(`${sim.baseUrl}/_sim/twilio/api/handset/${encodeURIComponent(DRIVER)}`)).json()) as { messages: { body: string }[] };
    expect(conversation.messages.map((m) => m.body)).toEqual(['What lanes?']);
    const page = await (await fetch(`${sim.baseUrl}/_sim/twilio/`)).text();
    expect(page).toContain('What lanes?');
  });

  it('magic reply numbers answer after delivery: YES, a question, STOP', async () => {
    for (const to of ['+15005550111', '+15005550121', '+15005550131']) await client.messages.create({ to, from: fromNumber, body: 'Hiring' });
    await sim.flush();
    const bodies = receiver.received.filter((r) => r.path === '/_functions/twilio/incoming').map((r) => `${formValue(r.form, 'From') ?? ''}:${formValue(r.form, 'Body') ?? ''}`);
    expect(bodies.sort()).toEqual(['+15005550111:YES', '+15005550121:What lanes is this for?', '+15005550131:STOP']);
    expect(sim.isOptedOut('+15005550131', messagingServiceSid)).toBe(true);
  });
});

describe('driver auto-replies share', () => {
  beforeEach(() => boot({ driverReplies: { share: 0.5 } }));

  it('about the configured share of delivered recipients reply, deterministically', async () => {
    for (let i = 0; i < 40; i += 1) await client.messages.create({ to: `+151255504${String(i).padStart(2, '0')}`, from: fromNumber, body: 'Hiring' });
    await sim.flush();
    const replies = receiver.received.filter((r) => r.path === '/_functions/twilio/incoming');
    expect(replies.length).toBeGreaterThan(10);
    expect(replies.length).toBeLessThan(30);
    expect(replies.every(verified)).toBe(true);
  });
});
