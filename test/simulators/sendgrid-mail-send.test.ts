/**
 * SendGrid simulator, Mail Send API, through the real `@sendgrid/mail` (via the site's
 * configureSendGrid seam) and `@sendgrid/client` pointed at it with setDefaultRequest('baseUrl')
 * after setApiKey: 202 + X-Message-Id, stored per-recipient messages, auth and validation errors in
 * SendGrid's shape, sandbox mode, templates, Event Webhook settings.
 */
import { Client } from '@sendgrid/client';
import { ResponseError } from '@sendgrid/helpers/classes';
import type { MailDataRequired } from '@sendgrid/mail';
import { DEFAULT_CREDENTIALS, ManualClock } from '../../local/simulators/harness';
import { createSendGridSimulator, type SendGridSimulator, type SendGridSimulatorOptions } from '../../local/simulators/sendgrid';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/simulators/twilio/receiver';
import { configureSendGrid, type SendGridMailService } from '../../src/backend/providers';

const { apiKey } = DEFAULT_CREDENTIALS.sendgrid;
const FROM = 'recruiting@lonestar.example';

let receiver: WebhookReceiver;
let sim: SendGridSimulator;
let mail: SendGridMailService;
let clock: ManualClock;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

async function boot(options: Partial<SendGridSimulatorOptions> = {}): Promise<void> {
  clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
  sim = createSendGridSimulator({ clock, seed: 5, publicWebhookBase: receiver.baseUrl, webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 }, ...options });
  await sim.start();
  mail = configureSendGrid({ apiKey, apiBaseOverride: sim.baseUrl });
  receiver.received.length = 0;
  receiver.respondWith(200);
}
afterEach(async () => sim.stop());

function rawClient(key: string | null = apiKey): Client {
  const client = new Client();
  if (key !== null) client.setApiKey(key);
  client.setDefaultRequest('baseUrl', `${sim.baseUrl}/`); // after setApiKey, which resets it
  return client;
}

interface ErrorBody {
  errors: { message: string; field: string | null; help: string | null }[];
}

async function sendError(promise: Promise<unknown>): Promise<{ code: number; body: ErrorBody }> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ResponseError)) throw new Error(`expected a ResponseError, got ${String(error)}`);
  // Typed as a string by the SDK; axios hands over the parsed JSON.
  const raw: unknown = error.response.body;
  const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return { code: error.code, body: parsed as ErrorBody };
}

const fieldsOf = (body: ErrorBody): (string | null)[] => body.errors.map((e) => e.field);

describe('POST /v3/mail/send', () => {
  beforeEach(() => boot());

  it('answers 202 with an X-Message-Id and stores one message per recipient with its metadata', async () => {
    const [response, body] = await mail.send({
      personalizations: [
        { to: [{ email: 'ana@drivers.example', name: 'Ana' }], cc: [{ email: 'dispatch@drivers.example' }], substitutions: { first: 'Ana' }, customArgs: { driver_id: 'd1' } },
        { to: [{ email: 'bo@drivers.example' }], substitutions: { first: 'Bo' }, customArgs: { driver_id: 'd2' }, headers: { 'List-Unsubscribe': '<https://site.example/_functions/email/unsubscribe?t=b>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } },
      ],
      from: { email: FROM, name: 'Lone Star Freight' },
      subject: 'Hi {{first}}, regional lanes open',
      html: '<p>Hi {{first}}, <a href="https://jobs.example/apply?j=7">apply</a></p>',
      text: 'Hi {{first}}', // the SDK wraps substitution keys in {{ }}
      categories: ['campaign', 'cdl-a'],
      customArgs: { campaign_id: 'c9', driver_id: 'overridden' },
      asm: { groupId: 77 },
      trackingSettings: { clickTracking: { enable: true }, openTracking: { enable: false } },
    } as MailDataRequired);
    expect(response.statusCode).toBe(202);
    expect(body).toBe('');
    const xMessageId = response.headers['x-message-id'];
    expect(xMessageId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const stored = sim.messages({ xMessageId });
    expect(stored.map((m) => [m.to.email, m.kind, m.personalization]).sort()).toEqual([
      ['ana@drivers.example', 'to', 0],
      ['bo@drivers.example', 'to', 1],
      ['dispatch@drivers.example', 'cc', 0],
    ]);
    const ana = stored.find((m) => m.to.email === 'ana@drivers.example');
    const bo = stored.find((m) => m.to.email === 'bo@drivers.example');
    if (!ana || !bo) throw new Error('missing stored messages');
    expect(ana.sgMessageId.startsWith(`${xMessageId}.filterdrecv-`)).toBe(true);
    expect(ana.sgMessageId).toMatch(/\.0$/);
    expect(new Set(stored.map((m) => m.sgMessageId)).size).toBe(3);
    expect(ana.subject).toBe('Hi Ana, regional lanes open');
    expect(bo.subject).toBe('Hi Bo, regional lanes open');
    expect(ana.customArgs).toEqual({ campaign_id: 'c9', driver_id: 'd1' });
    expect(ana.categories).toEqual(['campaign', 'cdl-a']);
    expect(ana.asmGroupId).toBe(77);
    expect(ana.tracking).toEqual({ click: true, open: false, subscription: false });
    expect(ana.links).toEqual(['https://jobs.example/apply?j=7']);
    expect(ana.html).toContain(`${sim.baseUrl}/ls/click?upn=`);
    expect(ana.html).not.toContain('https://jobs.example/apply');
    expect(ana.html).not.toContain('/wf/open'); // open tracking off for this send
    // The app's own one-click headers are kept; without them SendGrid adds its group unsubscribe link.
    expect(bo.headers).toEqual({ 'List-Unsubscribe': '<https://site.example/_functions/email/unsubscribe?t=b>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(ana.headers['List-Unsubscribe']).toMatch(new RegExp(`^<${sim.baseUrl}/asm/unsubscribe\\?upn=[0-9a-f]{32}>$`));
    expect(ana.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    const logged = sim.sim.log.last({ path: '/v3/mail/send' });
    expect(logged?.status).toBe(202);
    expect(logged?.headers['authorization']).toBe('Bearer [redacted]');
  });

  it('renders dynamic templates with dynamic_template_data (escaped, #if, #each) and legacy templates with substitutions', async () => {
    const [dynamic] = await mail.send({
      to: 'ana@drivers.example',
      from: FROM,
      templateId: 'd-5a1e0000000000000000000000000001',
      dynamicTemplateData: { first_name: 'Ana <3', carrier_name: 'Lone Star', job_title: 'Regional CDL-A', pay: '$1,650/wk', lanes: ['TX–OK', 'TX–LA'], apply_url: 'https://jobs.example/a' },
    });
    const d = sim.messages({ xMessageId: dynamic.headers['x-message-id'] })[0];
    expect(d?.subject).toBe('Regional CDL-A at Lone Star');
    expect(d?.html).toContain('<p>Hi Ana &lt;3,</p>');
    expect(d?.html).toContain('<li>TX–OK</li><li>TX–LA</li>');
    expect(d?.html).toContain(', $1,650/wk');
    expect(d?.links).toEqual(['https://jobs.example/a']);

    const [legacy] = await mail.send({ to: 'bo@drivers.example', from: FROM, subject: 'Welcome {{name}}', html: '<b>Hello {{name}}</b>', templateId: '5a1e0000-0000-4000-8000-000000000003', substitutions: { name: 'Bo' } });
    const l = sim.messages({ xMessageId: legacy.headers['x-message-id'] })[0];
    expect(l?.subject).toBe('Welcome Bo');
    expect(l?.html).toContain('<div style="font-family:Arial,sans-serif"><b>Hello Bo</b>');
  });

  it('sandbox mode validates and answers 200 without storing mail or sending events', async () => {
    const [response] = await mail.send({ to: 'ana@drivers.example', from: FROM, subject: 's', text: 't', mailSettings: { sandboxMode: { enable: true } } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-message-id']).toBeUndefined();
    await sim.flush();
    expect(sim.messages()).toEqual([]);
    expect(sim.events()).toEqual([]);
    expect(receiver.received).toEqual([]);
    expect(sim.engine.sandboxed).toBe(1);
    // Sandbox mode still validates.
    const invalid = await sendError(mail.send({ to: 'ana@drivers.example', from: FROM, text: 't', mailSettings: { sandboxMode: { enable: true } } }));
    expect([invalid.code, fieldsOf(invalid.body)]).toEqual([400, ['subject']]);
  });
});

describe('content retention', () => {
  it('keeps rendered content for the newest messages only; older ones keep their state and events', async () => {
    await boot({ contentRetention: 2 });
    await mail.send({ to: ['a@drivers.example', 'b@drivers.example', 'c@drivers.example'], from: FROM, subject: 's', html: '<p>hello</p>', isMultiple: true });
    await sim.flush();
    const [c, b, a] = sim.messages();
    expect([a?.to.email, a?.html, a?.text]).toEqual(['a@drivers.example', null, expect.stringMatching(/^\[content evicted/)]);
    expect(b?.html).toContain('<p>hello</p>');
    expect(c?.html).toContain('<p>hello</p>');
    expect(a?.status).toBe('delivered');
    expect(a?.events.map((e) => e.event).slice(0, 2)).toEqual(['processed', 'delivered']);
  });
});

describe('authentication', () => {
  beforeEach(() => boot());

  it('rejects a wrong API key with 401 in SendGrid error shape', async () => {
    const wrong = configureSendGrid({ apiKey: 'SG.wrong.key', apiBaseOverride: sim.baseUrl });
    const { code, body } = await sendError(wrong.send({ to: 'ana@drivers.example', from: FROM, subject: 's', text: 't' }));
    expect(code).toBe(401);
    expect(body).toEqual({ errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] });
    expect(sim.messages()).toEqual([]);
  });

  it('rejects a request without Authorization with "authorization required"', async () => {
    const { code, body } = await sendError(rawClient(null).request({ method: 'POST', url: '/v3/mail/send', body: { personalizations: [{ to: [{ email: 'a@drivers.example' }] }], from: { email: FROM }, subject: 's', content: [{ type: 'text/plain', value: 't' }] } }));
    expect([code, body.errors]).toEqual([401, [{ message: 'authorization required', field: null, help: null }]]);
  });

  it('answers 403 for a from address outside the verified sender identities', async () => {
    await sim.stop();
    await boot({ verifiedSenders: [FROM, /@verified\.example$/] });
    await expect(mail.send({ to: 'a@drivers.example', from: 'x@verified.example', subject: 's', text: 't' })).resolves.toBeDefined();
    const { code, body } = await sendError(mail.send({ to: 'a@drivers.example', from: 'someone@else.example', subject: 's', text: 't' }));
    expect(code).toBe(403);
    expect(body.errors[0]?.field).toBe('from');
    expect(body.errors[0]?.message).toMatch(/^The from address does not match a verified Sender Identity/);
  });
});

describe('validation (400 with field errors)', () => {
  beforeEach(() => boot());
  const base = { to: 'ana@drivers.example', from: FROM, subject: 'Open lanes', text: 'Hello' };

  it.each<[string, Partial<MailDataRequired> & Record<string, unknown>, string, RegExp]>([
    ['missing subject', { subject: undefined }, 'subject', /^The subject is required/],
    ['missing content', { text: undefined }, 'content', /^Unless a valid template_id is provided, the content parameter is required/],
    ['invalid recipient address', { to: 'not-an-address' }, 'personalizations.0.to.0.email', /^Does not contain a valid address\.$/],
    ['invalid from address', { from: 'nobody' }, 'from.email', /^Does not contain a valid address\.$/],
    ['more than 10 categories', { categories: Array.from({ length: 11 }, (_, i) => `c${i}`) }, 'categories', /at most 10 categories/],
    ['a non-string custom_args value', { customArgs: { attempt: 2 } }, 'custom_args.attempt', /^Invalid type\. Expected: string, given: integer\.$/],
    ['send_at more than 72 h ahead', { sendAt: Math.floor(Date.UTC(2026, 0, 5, 15) / 1000) + 73 * 3600 }, 'send_at', /72 hours/],
    ['the same address in to and cc', { cc: 'Ana@drivers.example' }, 'personalizations.0', /first duplicate instance of \[Ana@drivers\.example\] in the personalizations\.0\.cc field/],
    ['an unknown dynamic template', { templateId: 'd-00000000000000000000000000000000', subject: undefined, text: undefined }, 'template_id', /template_id/],
    ['text/html before text/plain', { text: undefined, content: [{ type: 'text/html', value: '<p>x</p>' }, { type: 'text/plain', value: 'x' }] }, 'content', /^If present, text\/plain must be first/],
    ['a reserved header', { headers: { Subject: 'sneaky' } }, 'headers.Subject', /reserved/],
  ])('%s', async (_name, patch, field, message) => {
    const { code, body } = await sendError(mail.send({ ...base, ...patch } as MailDataRequired));
    expect(code).toBe(400);
    expect(body.errors).toEqual([{ field, message: expect.stringMatching(message), help: expect.stringMatching(/^http:\/\/sendgrid\.com\/docs\/API_Reference\/Web_API_v3\/Mail\/errors\.html#message\./) }]);
    expect(sim.messages()).toEqual([]);
  });

  it('reports every problem of a request at once (raw @sendgrid/client request)', async () => {
    const { code, body } = await sendError(rawClient().request({ method: 'POST', url: '/v3/mail/send', body: { personalizations: [{ cc: [{ email: 'x@drivers.example' }] }, { to: [{ email: 'bad' }] }], content: [] } }));
    expect(code).toBe(400);
    expect(fieldsOf(body)).toEqual(['personalizations.0.to', 'personalizations.1.to.0.email', 'from.email', 'subject', 'content']);
    expect(body.errors[0]?.help).toBe('http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.personalizations.to');
  });

  it('checks personalizations and recipient limits, and types the helper would refuse', async () => {
    const client = rawClient();
    const send = (body: Record<string, unknown>): Promise<{ code: number; body: ErrorBody }> =>
      sendError(client.request({ method: 'POST', url: '/v3/mail/send', body: { from: { email: FROM }, subject: 's', content: [{ type: 'text/plain', value: 't' }], ...body } }));
    const none = await send({ personalizations: [] });
    expect(none.body.errors).toEqual([expect.objectContaining({ field: 'personalizations', message: 'You must have at least one personalization.' })]);
    const many = Array.from({ length: 1001 }, (_, i) => ({ email: `d${i}@drivers.example` }));
    const tooMany = await send({ personalizations: [{ to: many }] });
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'personalizations', message: 'There is a limit of 1000 total recipients (to + cc + bcc) per request.' })]);
    const groupType = await send({ personalizations: [{ to: [{ email: 'a@drivers.example' }] }], asm: { group_id: '77' } });
    expect(groupType.body.errors).toEqual([expect.objectContaining({ field: 'asm.group_id', message: 'Invalid type. Expected: number, given: string.' })]);
    const sandboxType = await send({ personalizations: [{ to: [{ email: 'a@drivers.example' }] }], mail_settings: { sandbox_mode: { enable: 'yes' } } });
    expect(sandboxType.body.errors).toEqual([expect.objectContaining({ field: 'mail_settings.sandbox_mode.enable', message: 'Invalid type. Expected: boolean, given: string.' })]);
    expect(sim.messages()).toEqual([]);
  });
});

describe('Event Webhook settings through @sendgrid/client', () => {
  beforeEach(() => boot());

  it('shows the signing public key and lets the app set the URL and event selection', async () => {
    const client = rawClient();
    const [, signed] = await client.request({ method: 'GET', url: '/v3/user/webhooks/event/settings/signed' });
    expect(signed).toEqual({ public_key: DEFAULT_CREDENTIALS.sendgrid.webhookPublicKey });
    expect(sim.webhookPublicKey).toBe(DEFAULT_CREDENTIALS.sendgrid.webhookPublicKey);

    const url = `${receiver.baseUrl}/_functions/email/events`;
    const [, settings] = await client.request({ method: 'PATCH', url: '/v3/user/webhooks/event/settings', body: { enabled: true, url, processed: false, open: false } });
    expect(settings).toMatchObject({ enabled: true, url, processed: false, open: false, delivered: true, spam_report: true });
    await mail.send({ to: 'machineopen@sendgrid.test', from: FROM, subject: 's', html: '<p>x</p>' });
    await sim.flush();
    const posted = receiver.received.flatMap((r) => JSON.parse(r.rawBody) as { event: string }[]).map((e) => e.event);
    expect(receiver.received.every((r) => r.path === '/_functions/email/events')).toBe(true);
    expect(posted).toEqual(['delivered']); // processed and open are not selected
    expect(sim.events().map((e) => e.event)).toEqual(['processed', 'delivered', 'open']);
  });
});
