/**
 * SendGrid simulator's inbox console and recipient-facing endpoints: the received email rendered
 * safely with working tracked links (click recorded, then redirect) and open pixel, mailbox
 * actions, RFC 8058 one-click unsubscribe POSTs (to the app's List-Unsubscribe URL, and to
 * SendGrid's own unsubscribe-group link), subscription tracking, and the console listing.
 */
import { DEFAULT_CREDENTIALS, ManualClock } from '../../local/simulators/harness';
import { createSendGridSimulator, type SendGridSimulator, type StoredMail } from '../../local/simulators/sendgrid';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/simulators/twilio/receiver';
import { configureSendGrid, type SendGridMailService } from '../../src/backend/providers';

const FROM = 'recruiting@lonestar.example';
const DRIVER = 'ana@drivers.example';

let receiver: WebhookReceiver;
let sim: SendGridSimulator;
let mail: SendGridMailService;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

beforeEach(async () => {
  sim = createSendGridSimulator({
    clock: new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0)),
    seed: 21,
    publicWebhookBase: receiver.baseUrl,
    engagement: { openRate: 0, machineOpenShare: 0, clickRate: 0 },
    webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 },
  });
  await sim.start();
  mail = configureSendGrid({ apiKey: DEFAULT_CREDENTIALS.sendgrid.apiKey, apiBaseOverride: sim.baseUrl });
  receiver.received.length = 0;
  receiver.respondWith(200);
});
afterEach(async () => sim.stop());

const EMAIL_HTML =
  '<div onclick="steal()" style="color:#333;position:fixed"><p>Hi Ana, <a href="https://jobs.example/apply/7?src=email">apply now</a> or <a href="https://lonestar.example/benefits">see benefits</a>.</p>' +
  '<img src="https://cdn.example/logo.png" alt="Lone Star"><script>alert(1)</script><a href="javascript:alert(2)">x</a><iframe src="https://evil.example"></iframe></div>';

async function deliver(to: string, extra: Record<string, unknown> = {}): Promise<StoredMail> {
  const [response] = await mail.send({ to, from: FROM, subject: 'Regional CDL-A lanes', html: EMAIL_HTML, text: 'Hi Ana', ...extra });
  await sim.flush();
  const m = sim.messages({ xMessageId: String(response.headers['x-message-id']) })[0];
  if (!m) throw new Error('message not stored');
  return m;
}

const pageOf = (m: StoredMail): string => `${sim.baseUrl}/_sim/sendgrid/inbox/${encodeURIComponent(m.sgMessageId)}`;
const postedEvents = (): { event: string; email: string; [k: string]: unknown }[] => receiver.received.filter((r) => r.path === '/_functions/sendgrid/events').flatMap((r) => JSON.parse(r.rawBody) as { event: string; email: string }[]);

async function text(url: string, init?: RequestInit): Promise<{ status: number; body: string; location: string | null }> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  return { status: response.status, body: await response.text(), location: response.headers.get('location') };
}

describe('inbox console', () => {
  it('renders a received email sanitized, with tracked links that record a click and redirect', async () => {
    const m = await deliver(DRIVER);
    const page = await text(pageOf(m));
    expect(page.status).toBe(200);
    const email = page.body.slice(page.body.indexOf('class="email"'));
    expect(email).toContain('Hi Ana,');
    expect(email).not.toMatch(/<script|onclick|javascript:|<iframe|position:fixed|cdn\.example/);
    expect(email).toContain('[image: Lone Star]');
    expect(page.body).toContain('Regional CDL-A lanes');
    const links = [...email.matchAll(/href="([^"]+\/ls\/click\?upn=[0-9a-f]+)"/g)].map((x) => x[1] ?? '');
    expect(links.length).toBe(2);

    const followed = await text(links[1] ?? '', { headers: { 'user-agent': 'DriverPhone/1.0' } });
    expect(followed.status).toBe(302);
    expect(followed.location).toBe('https://lonestar.example/benefits');
    await sim.flush();
    const click = postedEvents().find((e) => e.event === 'click');
    expect(click).toMatchObject({ email: DRIVER, url: 'https://lonestar.example/benefits', url_offset: { index: 1, type: 'html' }, useragent: 'DriverPhone/1.0', sg_message_id: m.sgMessageId });
    expect(sim.messages({ to: DRIVER })[0]?.events.map((e) => e.event)).toEqual(['processed', 'delivered', 'click']);
    expect((await text(`${sim.baseUrl}/ls/click?upn=nope`)).status).toBe(404);
  });

  it('the open pixel and the Open buttons record opens (person vs machine)', async () => {
    const m = await deliver(DRIVER);
    const pixel = /src="([^"]+\/wf\/open\?upn=[0-9a-f]+)"/.exec((await text(pageOf(m))).body)?.[1];
    if (!pixel) throw new Error('no open pixel in the rendered email');
    const image = await fetch(pixel, { headers: { 'user-agent': 'MailApp/2' } });
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/gif']);
    const button = await text(`${pageOf(m)}/open`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'machine=1' });
    expect(button.status).toBe(303);
    expect(button.location).toContain('?msg=open%20recorded%20(machine');
    const opens = sim.events({ email: DRIVER }).filter((e) => e.event === 'open');
    expect(opens.map((e) => [e['sg_machine_open'], e['useragent']])).toEqual([
      [false, 'MailApp/2'],
      [true, expect.any(String)],
    ]);
  });

  it('lists recipients and messages, the verification key and the magic addresses', async () => {
    const delivered = await deliver(DRIVER);
    const bounced = await deliver('bounce@sendgrid.test');
    const console = await text(`${sim.baseUrl}/_sim/sendgrid/`);
    expect(console.status).toBe(200);
    expect(console.body).toContain(DRIVER);
    expect(console.body).toContain(`/_sim/sendgrid/inbox/${encodeURIComponent(delivered.sgMessageId)}`);
    expect(console.body).toContain('processed → bounce');
    expect(console.body).toContain(DEFAULT_CREDENTIALS.sendgrid.webhookPublicKey);
    expect(console.body).toContain('softbounce');
    const bouncedPage = await text(pageOf(bounced));
    expect(bouncedPage.body).toContain('Not in the inbox: this message is bounced');
    const api = (await (await fetch(`${sim.baseUrl}/_sim/sendgrid/api/messages?to=${encodeURIComponent(DRIVER)}`)).json()) as { total: number; messages: { status: string }[] };
    expect([api.total, api.messages[0]?.status]).toEqual([1, 'delivered']);
    expect(sim.describe()).toMatchObject({ name: 'sendgrid', path: '/_sim/sendgrid/', url: `${sim.baseUrl}/_sim/sendgrid/`, baseUrl: sim.baseUrl });
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  it('POSTs List-Unsubscribe=One-Click to the app\'s List-Unsubscribe URL and shows the answer', async () => {
    const unsubscribeUrl = `${receiver.baseUrl}/_functions/email/unsubscribe?t=tok_123`;
    const m = await deliver(DRIVER, { headers: { 'List-Unsubscribe': `<mailto:unsub@lonestar.example>, <${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    receiver.received.length = 0;
    const page = await text(pageOf(m));
    expect(page.body).toContain(`POSTs List-Unsubscribe=One-Click to ${unsubscribeUrl}`);

    const result = await text(`${pageOf(m)}/one-click`, { method: 'POST' });
    expect(result.status).toBe(303);
    expect(decodeURIComponent(result.location ?? '')).toContain(`One-click unsubscribe POST to ${unsubscribeUrl} → HTTP 200`);
    expect(receiver.received.length).toBe(1);
    const [post] = receiver.received;
    expect(post?.method).toBe('POST');
    expect(post?.url).toBe(unsubscribeUrl);
    expect(post?.rawBody).toBe('List-Unsubscribe=One-Click');
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(post?.headers['cookie']).toBeUndefined();
    expect(post?.headers['authorization']).toBeUndefined();

    receiver.respondWith(404); // the site's endpoint may not exist yet: the console just reports it
    const attempt = await sim.oneClickUnsubscribe(m.sgMessageId);
    expect(attempt).toMatchObject({ url: unsubscribeUrl, status: 404, error: null });
    expect((await text(pageOf(m))).body).toContain('HTTP 404');
    expect(sim.message(m.sgMessageId)?.oneClick.map((a) => a.status)).toEqual([200, 404]);
  });

  it('without a one-click header there is nothing to POST', async () => {
    const m = await deliver(DRIVER);
    receiver.received.length = 0;
    const attempt = await sim.oneClickUnsubscribe(m.sgMessageId);
    expect(attempt.status).toBeNull();
    expect(attempt.error).toMatch(/no one-click List-Unsubscribe/);
    expect(receiver.received).toEqual([]);
  });

  it('SendGrid\'s own unsubscribe-group header: one-click → group_unsubscribe, later sends to that group are dropped', async () => {
    const m = await deliver(DRIVER, { asm: { groupId: 42 } });
    expect(m.headers['List-Unsubscribe']).toContain('/asm/unsubscribe?upn=');
    const attempt = await sim.oneClickUnsubscribe(m.sgMessageId);
    expect(attempt.status).toBe(200);
    await sim.flush();
    expect(postedEvents().filter((e) => e.event === 'group_unsubscribe')).toEqual([expect.objectContaining({ email: DRIVER, asm_group_id: 42, sg_message_id: m.sgMessageId })]);

    const sameGroup = await deliver(DRIVER, { asm: { groupId: 42 } });
    const otherGroup = await deliver(DRIVER, { asm: { groupId: 43 } });
    expect(sameGroup.events.map((e) => [e.event, e['reason']])).toEqual([
      ['processed', undefined],
      ['dropped', 'Unsubscribed Address'],
    ]);
    expect(otherGroup.status).toBe('delivered');

    const landing = await text(m.headers['List-Unsubscribe']?.slice(1, -1) ?? '');
    expect(landing.body).toContain('Resubscribe');
    const resubscribe = /action="([^"]+)"/.exec(landing.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect((await text(resubscribe, { method: 'POST' })).status).toBe(200);
    expect(sim.events({ email: DRIVER }).filter((e) => e.event === 'group_resubscribe')).toHaveLength(1);
    expect((await deliver(DRIVER, { asm: { groupId: 42 } })).status).toBe('delivered');
  });

  it('subscription tracking adds an unsubscribe link: following it → unsubscribe event and a global suppression', async () => {
    const m = await deliver(DRIVER, { trackingSettings: { subscriptionTracking: { enable: true } } });
    const link = /href="([^"]+\/wf\/unsubscribe\?upn=[0-9a-f]+)"/.exec(m.html ?? '')?.[1];
    if (!link) throw new Error('no subscription tracking link');
    const landing = await text(link);
    expect(landing.body).toContain('You have been unsubscribed');
    await sim.flush();
    expect(postedEvents().filter((e) => e.event === 'unsubscribe')).toEqual([expect.objectContaining({ email: DRIVER, sg_message_id: m.sgMessageId })]);
    expect((await deliver(DRIVER)).events.map((e) => e['reason'] ?? e.event)).toEqual(['processed', 'Unsubscribed Address']);
  });
});
