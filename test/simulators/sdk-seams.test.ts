/**
 * Smoke test of the two SDK seams through loopback stand-ins built on the harness:
 * the real `twilio` client via a custom `httpClient`, the real `@sendgrid/mail` via
 * `setDefaultRequest('baseUrl')` after `setApiKey`; plus signed webhooks delivered by the harness
 * queue and verified from raw bytes by the site-code verifiers.
 */
import twilio from 'twilio';
import { ResponseError } from '@sendgrid/helpers/classes';
import {
  DEFAULT_CREDENTIALS,
  ManualClock,
  SimServer,
  WebhookQueue,
  encodeForm,
  generateSendGridKeyPair,
  jsonResponse,
  parseBasicAuth,
  sendGridEventBatchBody,
  sendGridSigner,
  twilioSigner,
  type Simulator,
} from '../../local/simulators/harness';
import { configureSendGrid, createTwilioClient, verifySendGridSignature, verifyTwilioSignature } from '../../src/backend/providers';
import { createSendGridStandIn, createTwilioStandIn, type SendGridReceived, type TwilioReceived } from './standins';

const { accountSid, authToken } = DEFAULT_CREDENTIALS.twilio;

describe('twilio SDK through the httpClient seam', () => {
  let sim: Simulator;
  let received: TwilioReceived[];
  beforeAll(async () => {
    ({ sim, received } = createTwilioStandIn());
    await sim.start(0);
  });
  afterAll(async () => sim.stop());

  it('creates a message: the simulator sees the rewritten request, the SDK parses the 201', async () => {
    const client = createTwilioClient({ accountSid, authToken, apiBaseOverride: sim.baseUrl });
    const message = await client.messages.create({
      to: '+15551234567',
      from: DEFAULT_CREDENTIALS.twilio.fromNumber,
      body: 'Hiring CDL-A drivers, reply YES',
      statusCallback: 'https://example.org/_functions/twilio/status',
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.numSegments).toBe('1');
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(received[received.length - 1]).toEqual({
      auth: { username: accountSid, password: authToken },
      form: {
        To: '+15551234567',
        From: DEFAULT_CREDENTIALS.twilio.fromNumber,
        Body: 'Hiring CDL-A drivers, reply YES',
        StatusCallback: 'https://example.org/_functions/twilio/status',
      },
    });

    const seen = sim.log.last({ method: 'POST' });
    expect(seen?.path).toBe(`/api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(seen?.status).toBe(201);
    expect(seen?.headers['authorization']).toBe('Basic [redacted]');
    expect(seen?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(seen?.bodyPreview).toContain('To=+15551234567');
    expect(seen?.bodyPreview).toContain('StatusCallback=https://example.org/_functions/twilio/status');
  });

  it('keeps the host-prefixed path, repeated form keys (MediaUrl) and Basic auth through the rewrite', async () => {
    const captured: { auth: ReturnType<typeof parseBasicAuth>; form: Record<string, string | string[]> }[] = [];
    sim.route('POST', '/api.twilio.com/2010-04-01/Accounts/:sid/Capture/Messages.json', (req) => {
      captured.push({ auth: parseBasicAuth(req.header('authorization')), form: req.form() });
      return jsonResponse(201, { sid: 'SM'.padEnd(34, '0'), status: 'queued' });
    });
    const client = createTwilioClient({ accountSid, authToken, apiBaseOverride: `${sim.baseUrl}/` });
    // Same host, custom path through the SDK's generic request API: proves query/path survive the rewrite.
    await client.request({ method: 'post', uri: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Capture/Messages.json`, data: { To: '+15550001111', From: '+15005550006', Body: 'x', MediaUrl: ['https://a/1.png', 'https://a/2.png'] } });
    expect(captured).toEqual([
      { auth: { username: accountSid, password: authToken }, form: { To: '+15550001111', From: '+15005550006', Body: 'x', MediaUrl: ['https://a/1.png', 'https://a/2.png'] } },
    ]);
  });

  it('maps a 21211 JSON error to RestException (code 21211, status 400)', async () => {
    const client = createTwilioClient({ accountSid, authToken, apiBaseOverride: sim.baseUrl });
    const error: unknown = await client.messages.create({ to: '+15005550001', from: '+15005550006', body: 'x' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ code: 21211, status: 400, moreInfo: 'https://www.twilio.com/docs/errors/21211' });
  });

  it('rejects wrong credentials with 20003 / 401', async () => {
    const client = createTwilioClient({ accountSid, authToken: 'wrong-token', apiBaseOverride: sim.baseUrl });
    await expect(client.messages.create({ to: '+15551234567', from: '+15005550006', body: 'x' })).rejects.toMatchObject({ code: 20003, status: 401 });
  });
});

describe('@sendgrid/mail through setDefaultRequest(baseUrl) after setApiKey', () => {
  let sim: Simulator;
  let received: SendGridReceived[];
  beforeAll(async () => {
    ({ sim, received } = createSendGridStandIn());
    await sim.start(0);
  });
  afterAll(async () => sim.stop());

  it('sends: Bearer key and personalizations reach the simulator; 202 + X-Message-Id reach the SDK', async () => {
    const mail = configureSendGrid({ apiKey: DEFAULT_CREDENTIALS.sendgrid.apiKey, apiBaseOverride: sim.baseUrl });
    const [response] = await mail.send({
      to: 'driver@example.test',
      from: 'recruiting@carrier.test',
      subject: 'Regional CDL-A route',
      text: 'Home weekly.',
      customArgs: { message_id: 'msg_1' },
    });
    expect(response.statusCode).toBe(202);
    expect(response.headers['x-message-id']).toBe('LocalSim00000000000001');
    expect(received[received.length - 1]).toEqual({
      bearer: DEFAULT_CREDENTIALS.sendgrid.apiKey,
      body: expect.objectContaining({
        personalizations: [{ to: [{ email: 'driver@example.test' }] }],
        from: { email: 'recruiting@carrier.test' },
        subject: 'Regional CDL-A route',
        custom_args: { message_id: 'msg_1' },
      }),
    });

    const seen = sim.log.last({ path: '/v3/mail/send' });
    expect(seen?.method).toBe('POST');
    expect(seen?.status).toBe(202);
    expect(seen?.headers['authorization']).toBe('Bearer [redacted]');
    const body = JSON.parse(seen?.bodyPreview ?? '{}') as { personalizations?: { to?: { email?: string }[] }[]; custom_args?: unknown };
    expect(body.personalizations?.[0]?.to?.[0]?.email).toBe('driver@example.test');
    expect(body.custom_args).toEqual({ message_id: 'msg_1' });
  });

  it('maps {"errors":[…]} 400 to ResponseError carrying the body', async () => {
    const mail = configureSendGrid({ apiKey: DEFAULT_CREDENTIALS.sendgrid.apiKey, apiBaseOverride: sim.baseUrl });
    const error: unknown = await mail.send({ to: 'invalid-1@example.test', from: 'r@carrier.test', subject: 's', text: 't' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error).toMatchObject({
      code: 400,
      response: { body: { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email' }] } },
    });
  });

  it('uses separate MailService instances (a second config does not redirect the first)', async () => {
    const local = configureSendGrid({ apiKey: DEFAULT_CREDENTIALS.sendgrid.apiKey, apiBaseOverride: sim.baseUrl });
    configureSendGrid({ apiKey: 'SG.other', apiBaseOverride: 'http://127.0.0.1:9/' });
    const [response] = await local.send({ to: 'a@example.test', from: 'r@carrier.test', subject: 's', text: 't' });
    expect(response.statusCode).toBe(202);
  });
});

describe('signed webhooks from the harness queue, verified from raw bytes', () => {
  const clock = new ManualClock();
  const receiver = new SimServer({ clock, errorDialect: 'plain' });
  const keys = generateSendGridKeyPair();
  const verdicts: { kind: string; ok: boolean }[] = [];
  let base = '';

  beforeAll(async () => {
    base = await receiver.listen(0);
    receiver.router.post('/_functions/twilio/status', (req) => {
      const ok = verifyTwilioSignature({ authToken, url: `${base}${req.path}`, params: req.form(), signature: req.header('x-twilio-signature') });
      verdicts.push({ kind: 'twilio', ok });
      return jsonResponse(ok ? 200 : 403, { ok });
    });
    receiver.router.post('/_functions/sendgrid/events', (req) => {
      const ok = verifySendGridSignature({
        publicKey: keys.publicKeyBase64,
        payload: req.text(),
        signature: req.header('x-twilio-email-event-webhook-signature'),
        timestamp: req.header('x-twilio-email-event-webhook-timestamp'),
      });
      verdicts.push({ kind: 'sendgrid', ok });
      return jsonResponse(ok ? 200 : 403, { ok });
    });
  });
  afterAll(async () => receiver.close());
  beforeEach(() => {
    verdicts.length = 0;
  });

  const statusBody = encodeForm({ MessageSid: 'SM1', SmsSid: 'SM1', MessageStatus: 'delivered', SmsStatus: 'delivered', AccountSid: accountSid, From: '+15005550006', To: '+15551234567', ApiVersion: '2010-04-01' });
  const events = [
    { email: 'a@example.test', timestamp: 1767625200, event: 'delivered', sg_event_id: 'e1', sg_message_id: 'LocalSim1.0', message_id: 'msg_1' },
    { email: 'b@example.test', timestamp: 1767625201, event: 'open', sg_event_id: 'e2', sg_message_id: 'LocalSim1.1', sg_machine_open: false },
  ];

  it('delivers a signed Twilio status callback and a signed SendGrid batch that verify', async () => {
    const queue = new WebhookQueue({ clock, seed: 7, delayMs: [1_000, 5_000] });
    const twilioHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
    queue.schedule({ url: `${base}/_functions/twilio/status`, headers: twilioHeaders, body: statusBody, sign: twilioSigner({ authToken }), label: 'twilio delivered' });
    const batch = sendGridEventBatchBody(events);
    expect(batch).toContain('},\r\n{');
    queue.schedule({ url: `${base}/_functions/sendgrid/events`, headers: { 'content-type': 'application/json;charset=utf-8', 'user-agent': 'SendGrid Event API' }, body: batch, sign: sendGridSigner({ privateKey: keys.privateKey }), label: 'sendgrid batch' });

    expect(await queue.runDue()).toEqual([]); // nothing due before the delay
    const results = await queue.advance(5_000);
    expect(results.map((r) => r.outcome)).toEqual([
      { kind: 'delivered', status: 200 },
      { kind: 'delivered', status: 200 },
    ]);
    expect(verdicts.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'sendgrid', ok: true },
      { kind: 'twilio', ok: true },
    ]);
  });

  it('a body tampered after signing fails verification (403)', async () => {
    const queue = new WebhookQueue({ clock, seed: 7 });
    const twilioSign = twilioSigner({ authToken });
    const tamperedForm = statusBody.replace('MessageStatus=delivered', 'MessageStatus=failed');
    queue.schedule({
      url: `${base}/_functions/twilio/status`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tamperedForm,
      sign: (ctx) => twilioSign({ ...ctx, body: Buffer.from(statusBody) }),
    });
    const sgSign = sendGridSigner({ privateKey: keys.privateKey });
    const batch = sendGridEventBatchBody(events);
    queue.schedule({
      url: `${base}/_functions/sendgrid/events`,
      headers: { 'content-type': 'application/json' },
      body: batch.replace('"open"', '"click"'),
      sign: (ctx) => sgSign({ ...ctx, body: Buffer.from(batch) }),
    });
    const results = await queue.runDue();
    expect(results.map((r) => r.outcome)).toEqual([
      { kind: 'rejected', status: 403, retryAt: null },
      { kind: 'rejected', status: 403, retryAt: null },
    ]);
    expect(verdicts.map((v) => v.ok)).toEqual([false, false]);
  });
});
