/**
 * Twilio simulator REST surface through the real `twilio` SDK (createTwilioClient + apiBaseOverride):
 * create / fetch / list / cancel, Twilio error codes, segments, price.
 */
import { RestException } from 'twilio';
import { DEFAULT_CREDENTIALS, ManualClock } from '../../local/simulators/harness';
import { createTwilioSimulator, type TwilioSimulator } from '../../local/simulators/twilio';
import { createTwilioClient, type TwilioClient } from '../../src/backend/providers';

const { accountSid, authToken, fromNumber, messagingServiceSid } = DEFAULT_CREDENTIALS.twilio;
const DRIVER = '+15125550100';

let clock: ManualClock;
let twilioSim: TwilioSimulator;
let client: TwilioClient;

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
  twilioSim = createTwilioSimulator({ clock, seed: 7, webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 } });
  await twilioSim.start();
  client = createTwilioClient({ accountSid, authToken, apiBaseOverride: twilioSim.baseUrl });
});
afterAll(async () => twilioSim.stop());
afterEach(() => twilioSim.reset());

async function restError(promise: Promise<unknown>): Promise<RestException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RestException) return error;
    throw error;
  }
  throw new Error('expected a RestException');
}

describe('create', () => {
  it('answers 201 with the Message resource: SM sid, queued, string num_segments, null price, RFC 2822 dates', async () => {
    const m = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'Hiring CDL-A drivers in Austin. Reply YES' });
    expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m.accountSid).toBe(accountSid);
    expect(m.status).toBe('queued');
    expect(m.numSegments).toBe('1');
    expect(m.price).toBeNull();
    expect(m.priceUnit).toBe('USD');
    expect(m.direction).toBe('outbound-api');
    expect(m.dateCreated.getTime()).toBe(clock.now());
    expect(m.dateSent).toBeNull();
    expect(m.uri).toBe(`/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`);
    expect(m.subresourceUris['media']).toBe(`/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json`);
    const logged = twilioSim.sim.log.last({ method: 'POST' });
    expect(logged?.path).toBe(`/api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(logged?.headers['authorization']).toBe('Basic [redacted]');
  });

  it('counts segments by GSM-7 / UCS-2 rules', async () => {
    const cases: [string, string][] = [
      ['a'.repeat(160), '1'],
      ['a'.repeat(161), '2'],
      ['€'.repeat(80), '1'],
      ['€'.repeat(81), '2'],
      ['é'.repeat(160), '1'],
      ['😜' + '1'.repeat(68), '1'],
      ['😜' + '1'.repeat(69), '2'],
      ['ç'.repeat(71), '2'],
    ];
    for (const [body, segments] of cases) {
      const m = await client.messages.create({ to: DRIVER, from: fromNumber, body });
      expect([body.length, m.numSegments]).toEqual([body.length, segments]);
    }
  });

  it('via a Messaging Service: accepted, from null and num_segments "0" until a sender is chosen', async () => {
    const m = await client.messages.create({ to: DRIVER, messagingServiceSid, body: 'x'.repeat(200) });
    expect(m.status).toBe('accepted');
    expect(m.from).toBeNull();
    expect(m.numSegments).toBe('0');
    expect(m.messagingServiceSid).toBe(messagingServiceSid);
    await twilioSim.advance(0);
    const fetched = await client.messages(m.sid).fetch();
    expect(fetched.from).toBe(fromNumber);
    expect(fetched.numSegments).toBe('2');
    expect(['queued', 'sending']).toContain(fetched.status);
  });

  it('repeated MediaUrl form keys become num_media', async () => {
    const m = await client.messages.create({ to: DRIVER, from: fromNumber, mediaUrl: ['https://example.org/a.png', 'https://example.org/b.png'] });
    expect(m.numMedia).toBe('2');
  });

  it('prices the message once sent: negative string per segment', async () => {
    const m = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'a'.repeat(161) });
    await twilioSim.advance(2_000);
    const sent = await client.messages(m.sid).fetch();
    expect(['sent', 'delivered']).toContain(sent.status);
    expect(sent.price).toBe('-0.01580');
    expect(sent.dateSent?.getTime()).toBeGreaterThan(m.dateCreated.getTime());
  });
});

describe('create errors (RestException with Twilio code and HTTP status)', () => {
  const cases: { name: string; params: Record<string, unknown>; code: number; status: number }[] = [
    { name: 'missing From and MessagingServiceSid', params: { to: DRIVER, body: 'x' }, code: 21603, status: 400 },
    { name: 'missing Body', params: { to: DRIVER, from: fromNumber }, code: 21602, status: 400 },
    { name: 'Body over 1600', params: { to: DRIVER, from: fromNumber, body: 'x'.repeat(1601) }, code: 21617, status: 400 },
    { name: 'malformed To', params: { to: '5125550100', from: fromNumber, body: 'x' }, code: 21211, status: 400 },
    { name: 'undialable To (N11 area code)', params: { to: '+12115550100', from: fromNumber, body: 'x' }, code: 21211, status: 400 },
    { name: 'malformed From', params: { to: DRIVER, from: 'abc', body: 'x' }, code: 21212, status: 400 },
    { name: 'From not owned by the account', params: { to: DRIVER, from: '+15125550199', body: 'x' }, code: 21606, status: 400 },
    { name: 'unknown Messaging Service', params: { to: DRIVER, messagingServiceSid: `MG${'f'.repeat(32)}`, body: 'x' }, code: 21705, status: 400 },
    { name: 'StatusCallback with an underscore host', params: { to: DRIVER, from: fromNumber, body: 'x', statusCallback: 'https://bad_host/cb' }, code: 21609, status: 400 },
    { name: 'ValidityPeriod out of range', params: { to: DRIVER, from: fromNumber, body: 'x', validityPeriod: 40_000 }, code: 21620, status: 400 },
    { name: 'magic invalid +15005550001', params: { to: '+15005550001', from: fromNumber, body: 'x' }, code: 21211, status: 400 },
    { name: 'magic unroutable +15005550002', params: { to: '+15005550002', from: fromNumber, body: 'x' }, code: 21612, status: 400 },
    { name: 'magic no region permission +15005550003', params: { to: '+15005550003', from: fromNumber, body: 'x' }, code: 21408, status: 400 },
    { name: 'magic unsubscribed +15005550004', params: { to: '+15005550004', from: fromNumber, body: 'x' }, code: 21610, status: 400 },
    { name: 'magic landline +15005550009', params: { to: '+15005550009', from: fromNumber, body: 'x' }, code: 21614, status: 400 },
  ];
  it.each(cases)('$name → $code', async ({ params, code, status }) => {
    const error = await restError(client.messages.create(params as never));
    expect([error.code, error.status]).toEqual([code, status]);
    expect(error.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
    expect(twilioSim.messages()).toHaveLength(0);
  });

  it('missing To → 400 / 21604 (the SDK itself refuses, so sent raw through the same client)', async () => {
    const response = await client.request({ method: 'post', uri: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages.json`, data: { From: fromNumber, Body: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(typeof response.body === 'string' ? JSON.parse(response.body) : response.body).toEqual({ code: 21604, message: "A 'To' phone number is required.", more_info: 'https://www.twilio.com/docs/errors/21604', status: 400 });
  });

  it('wrong credentials → 401 / 20003', async () => {
    const wrong = createTwilioClient({ accountSid, authToken: 'f'.repeat(32), apiBaseOverride: twilioSim.baseUrl });
    const error = await restError(wrong.messages.create({ to: DRIVER, from: fromNumber, body: 'x' }));
    expect([error.code, error.status]).toEqual([20003, 401]);
  });

  it('fetching an unknown sid → 404 / 20404', async () => {
    const error = await restError(client.messages(`SM${'0'.repeat(32)}`).fetch());
    expect([error.code, error.status]).toEqual([20404, 404]);
  });

  it('magic overrides win for one test', async () => {
    const restore = twilioSim.recipients.override({ match: DRIVER, outcome: 'landline' });
    const error = await restError(client.messages.create({ to: DRIVER, from: fromNumber, body: 'x' }));
    expect(error.code).toBe(21614);
    restore();
    await expect(client.messages.create({ to: DRIVER, from: fromNumber, body: 'x' })).resolves.toBeDefined();
  });
});

describe('list, paging and cancel', () => {
  it('filters by To and From, newest first, and pages with next_page_uri', async () => {
    const sids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      sids.push((await client.messages.create({ to: DRIVER, from: fromNumber, body: `n${i}` })).sid);
      clock.advance(1_000);
    }
    await client.messages.create({ to: '+15125550101', from: fromNumber, body: 'other' });
    const all = await client.messages.list({ to: DRIVER, pageSize: 3 });
    expect(all.map((m) => m.sid)).toEqual([...sids].reverse());
    const page = await client.messages.page({ to: DRIVER, pageSize: 3 });
    expect(page.instances).toHaveLength(3);
    const next = await page.nextPage();
    expect(next?.instances.map((m) => m.body)).toEqual(['n3', 'n2', 'n1']);
    expect((await client.messages.list({ from: fromNumber })).length).toBe(8);
  });

  it('filters by DateSent, DateSent< and DateSent>', async () => {
    const early = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'early' });
    await twilioSim.advance(86_400_000);
    const late = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'late' });
    await twilioSim.advance(60_000);
    const lateSent = (await client.messages(late.sid).fetch()).dateSent;
    if (!lateSent) throw new Error('late message not sent');
    const after = await client.messages.list({ dateSentAfter: new Date(lateSent.getTime() - 1_000) });
    expect(after.map((m) => m.sid)).toEqual([late.sid]);
    const before = await client.messages.list({ dateSentBefore: new Date(lateSent.getTime() - 1_000) });
    expect(before.map((m) => m.sid)).toEqual([early.sid]);
    const sameDay = await client.messages.list({ dateSent: new Date(Date.UTC(2026, 0, 5)) });
    expect(sameDay.map((m) => m.sid)).toEqual([early.sid]);
  });

  it('cancels a queued message; a sent one cannot be canceled', async () => {
    twilioSim.engine.mps[fromNumber] = 0.1; // one segment per 10 s: the second message waits in the queue
    await client.messages.create({ to: DRIVER, from: fromNumber, body: 'first' });
    const waiting = await client.messages.create({ to: '+15125550101', from: fromNumber, body: 'second' });
    const canceled = await client.messages(waiting.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    await twilioSim.advance(60_000);
    expect((await client.messages(waiting.sid).fetch()).status).toBe('canceled');
    const sent = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'third' });
    await twilioSim.advance(60_000);
    const error = await restError(client.messages(sent.sid).update({ status: 'canceled' }));
    expect(error.status).toBe(400);
    delete twilioSim.engine.mps[fromNumber];
  });

  it('deletes a message', async () => {
    const m = await client.messages.create({ to: DRIVER, from: fromNumber, body: 'x' });
    await expect(client.messages(m.sid).remove()).resolves.toBe(true);
    expect(twilioSim.message(m.sid)).toBeUndefined();
  });
});
