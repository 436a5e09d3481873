/**
 * The SendGrid Event Webhook end to end: mail sent through the real `@sendgrid/mail` to the SendGrid
 * simulator with our custom args, whose signed, batched event POSTs reach `post_sendgrid` over HTTP
 * through the local host's http-functions router (raw bytes, as Wix hands them over). Magic
 * addresses exercise every delivery path; unsubscribes come from the recipient side; duplicate
 * deliveries and retries after a refusal change nothing twice.
 */
import { DEFAULT_CREDENTIALS, ManualClock } from '../../local/simulators/harness';
import { createSendGridSimulator, type SendGridSimulator } from '../../local/simulators/sendgrid';
import { EmailMessages, EmailSuppressions, type EmailMessage } from '../../src/backend/collections/email';
import { emailCustomArgs } from '../../src/backend/email/compose';
import { elevatedCollection } from '../../src/backend/platform';
import { configureSendGrid, type SendGridMailService } from '../../src/backend/providers';
import { createEventsWorld, DOT, readMessage, seedMessages, startFunctionsServer, storedMessage, T0, type EventsWorld } from './events-support';

const { apiKey, webhookPublicKey } = DEFAULT_CREDENTIALS.sendgrid;
const GROUP = 77;

let clock: ManualClock;
let world: EventsWorld;
let server: { baseUrl: string; close(): Promise<void> };
let sim: SendGridSimulator;
let mail: SendGridMailService;

beforeEach(async () => {
  clock = new ManualClock(T0);
  world = createEventsWorld({ now: () => clock.now() });
  server = await startFunctionsServer();
  sim = createSendGridSimulator({ clock, seed: 3, publicWebhookBase: server.baseUrl, webhooks: { delayMs: [0, 0], duplicateRate: 0, reorderJitterMs: 0 } });
  await sim.start();
  mail = configureSendGrid({ apiKey, apiBaseOverride: sim.baseUrl });
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  await sim.stop();
  await server.close();
  world.close();
  jest.restoreAllMocks();
});

/** Seeds one message per address, sends them in one Mail Send request (one personalization each), records the X-Message-Id. */
async function sendTo(addresses: readonly string[], options: { asm?: boolean } = {}): Promise<EmailMessage[]> {
  const messages = addresses.map((email, i) => storedMessage(`msg-${i}-${email.split('@')[0]}`, { email_address: email, sendgrid_id: null, status: 'queued' }));
  await seedMessages(world, messages);
  const [response] = await mail.send({
    from: 'recruiting@lonestar.example',
    subject: 'Regional CDL-A lanes',
    html: '<p>Home weekly. <a href="https://jobs.example/apply/7">Apply</a></p>',
    personalizations: messages.map((m) => ({ to: [{ email: m.email_address }], customArgs: emailCustomArgs({ messageId: m._id, carrierDot: DOT }) })),
    ...(options.asm ? { asm: { groupId: GROUP } } : {}),
  });
  const xMessageId = String(response.headers['x-message-id']);
  const sent = messages.map((m) => ({ ...m, status: 'sent' as const, sendgrid_id: xMessageId }));
  await world.asJob(() => elevatedCollection(EmailMessages).bulkUpdate(sent));
  return sent;
}

const sgIdOf = (m: EmailMessage): string => {
  const stored = sim.messages({ to: m.email_address })[0];
  if (!stored) throw new Error(`simulator has no message to ${m.email_address}`);
  return stored.sgMessageId;
};

/** The address's EmailSuppressions item (one per address in these tests). */
const suppression = async (address: string) => (await world.asJob(() => elevatedCollection(EmailSuppressions).find((q) => q.eq('carrier_dot', DOT).eq('email_address', address))))[0] ?? null;

it('the simulator signs with the key whose public half is the default SENDGRID_WEBHOOK_PUBLIC_KEY', () => {
  expect(sim.webhookPublicKey).toBe(webhookPublicKey);
  expect(world.secrets['SENDGRID_WEBHOOK_PUBLIC_KEY']).toBe(webhookPublicKey);
});

it('every magic address ends in the record its events describe', async () => {
  const sent = await sendTo([
    'bounce@sendgrid.test',
    'softbounce@sendgrid.test',
    'blocked@sendgrid.test',
    'dropped@sendgrid.test',
    'deferred@sendgrid.test',
    'spamreport@sendgrid.test',
    'noopen@sendgrid.test',
    'engaged@sendgrid.test',
    'machineopen@sendgrid.test',
  ]);
  await sim.flush();
  const deliveries = sim.sim.webhooks.deliveries();
  expect(deliveries.length).toBeGreaterThan(0);
  expect(deliveries.every((d) => d.outcome.kind === 'delivered')).toBe(true);
  const byAddress = new Map<string, EmailMessage | null>();
  for (const m of sent) byAddress.set(m.email_address.split('@')[0] ?? '', await readMessage(world, m._id));
  expect(byAddress.get('bounce')).toMatchObject({ status: 'bounced', bounce_type: 'hard' });
  expect(byAddress.get('softbounce')).toMatchObject({ status: 'bounced', bounce_type: 'soft', deferral_count: 2 });
  expect(byAddress.get('blocked')).toMatchObject({ status: 'bounced', bounce_type: 'block' });
  expect(byAddress.get('dropped')).toMatchObject({ status: 'dropped', drop_reason: 'Invalid' });
  expect(byAddress.get('deferred')).toMatchObject({ status: 'delivered', deferral_count: 2 });
  expect(byAddress.get('spamreport')).toMatchObject({ status: 'delivered', spam_reported: true });
  expect(byAddress.get('noopen')).toMatchObject({ status: 'delivered', opened: false, clicked: false });
  expect(byAddress.get('engaged')).toMatchObject({ status: 'delivered', opened: true, open_count: 1, clicked: true, click_count: 1, clicked_links: ['https://jobs.example/apply/7'] });
  expect(byAddress.get('machineopen')).toMatchObject({ status: 'delivered', opened: false, open_count: 0, machine_open_count: 1 });
  // Suppressed: the hard bounce and the spam report; not the soft bounce, the block or the drop.
  expect((await suppression('bounce@sendgrid.test'))?.reason).toBe('hard_bounce');
  expect((await suppression('spamreport@sendgrid.test'))?.reason).toBe('spam_report');
  for (const address of ['softbounce', 'blocked', 'dropped']) expect(await suppression(`${address}@sendgrid.test`)).toBeNull();
});

it('recipient unsubscribes (global and group) suppress; a group resubscribe lifts', async () => {
  const [plain, grouped] = await sendTo(['noopen@sendgrid.test', 'noopen+g@sendgrid.test'], { asm: true });
  if (!plain || !grouped) throw new Error('not sent');
  await sim.flush();
  sim.engine.engage.unsubscribe(sgIdOf(plain));
  sim.engine.engage.groupUnsubscribe(sgIdOf(grouped), GROUP, `${sim.baseUrl}/asm/unsubscribe`);
  await sim.flush();
  expect(await suppression('noopen@sendgrid.test')).toMatchObject({ reason: 'unsubscribed', lifted_at: null });
  expect(await suppression('noopen+g@sendgrid.test')).toMatchObject({ reason: 'group_unsubscribed', asm_group_id: GROUP, lifted_at: null });
  expect(await readMessage(world, grouped._id)).toMatchObject({ unsubscribed: true });
  clock.advance(60_000);
  sim.engine.engage.groupUnsubscribe(sgIdOf(grouped), GROUP, `${sim.baseUrl}/asm/unsubscribe`, {}, true);
  await sim.flush();
  expect((await suppression('noopen+g@sendgrid.test'))?.lifted_at).toBeInstanceOf(Date);
  expect((await suppression('noopen@sendgrid.test'))?.lifted_at).toBeNull();
});

it('duplicate deliveries of every batch apply each event once', async () => {
  sim.sim.webhooks.configure({ duplicateRate: 1 });
  const [engaged] = await sendTo(['engaged@sendgrid.test']);
  if (!engaged) throw new Error('not sent');
  await sim.flush();
  const deliveries = sim.sim.webhooks.deliveries();
  expect(deliveries.filter((d) => d.outcome.kind === 'delivered').length).toBeGreaterThanOrEqual(2 * sim.postedBatches().length);
  expect(await readMessage(world, engaged._id)).toMatchObject({ open_count: 1, click_count: 1, status: 'delivered' });
});

it('a batch refused while the key is missing is applied by SendGrid’s retry once the key is set', async () => {
  const key = world.secrets['SENDGRID_WEBHOOK_PUBLIC_KEY'] ?? '';
  delete world.secrets['SENDGRID_WEBHOOK_PUBLIC_KEY'];
  const [engaged] = await sendTo(['engaged@sendgrid.test']);
  if (!engaged) throw new Error('not sent');
  await sim.advance(40_000);
  expect(sim.sim.webhooks.deliveries().some((d) => d.outcome.kind === 'rejected')).toBe(true);
  expect(await readMessage(world, engaged._id)).toMatchObject({ status: 'sent' });
  world.secrets['SENDGRID_WEBHOOK_PUBLIC_KEY'] = key;
  await sim.flush();
  expect(await readMessage(world, engaged._id)).toMatchObject({ status: 'delivered', open_count: 1, click_count: 1 });
});
