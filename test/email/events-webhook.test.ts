/**
 * SendGrid Event Webhook at the http function: the signature and its timestamp are checked from the
 * raw bytes before any data request (403 with zero reads and writes otherwise, also without the key
 * secret); a body that verifies but is not a JSON event array is a 400 with nothing written; a
 * replayed batch changes nothing after its receipts insert.
 */
import { localSendGridWebhookKey, sendGridSignature } from '../../local/simulators/harness';
import { post_sendgrid } from '../../src/backend/http-functions';
import { batchBody, createEventsWorld, postEvents, readMessage, seedMessages, signedRequest, storedMessage, wireEvent, type EventsWorld } from './events-support';

let world: EventsWorld;
const m1 = storedMessage('m1');
const m2 = storedMessage('m2');

beforeEach(async () => {
  world = createEventsWorld();
  await seedMessages(world, [m1, m2]);
});
afterEach(() => world.close());

const delivered = (): Record<string, unknown>[] => [wireEvent(m1, 'delivered', { response: '250 OK' }), wireEvent(m2, 'open', { sg_machine_open: false })];

async function post(body: string, options: Parameters<typeof signedRequest>[2] = {}): Promise<{ status: number; body: unknown }> {
  const response = await world.asHttp(() => post_sendgrid(signedRequest(body, world.clock.now(), options)));
  return { status: response.status, body: response.body };
}

function expectNoDataRequests(): void {
  const stats = world.emulator.stats();
  expect({ reads: stats.reads, writes: stats.writes }).toEqual({ reads: 0, writes: 0 });
}

describe('verification before any data request', () => {
  it('a correctly signed batch is applied', async () => {
    const result = await post(batchBody(delivered()));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ applied: 2, duplicates: 0 });
    expect((await readMessage(world, 'm1'))?.status).toBe('delivered');
  });

  it.each<[string, (body: string) => Parameters<typeof signedRequest>[2] & { body?: string }]>([
    ['a forged signature', () => ({ signature: 'MEUCIQDzZmFrZXNpZ25hdHVyZWZha2VzaWduYXR1cmVmYWtlAiAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMg==' })],
    ['a signature of another body', () => ({ signature: sendGridSignature(localSendGridWebhookKey(), String(Math.floor(world.clock.now() / 1000)), '[]\r\n') })],
    ['a tampered body (one field changed after signing)', (body) => ({ sendBody: body.replace('"delivered"', '"bounce"') })],
    ['a re-serialised body (same events, no CRLF framing)', (body) => ({ sendBody: JSON.stringify(JSON.parse(body)) })],
    ['a stale timestamp (11 minutes old, correctly signed)', () => ({ timestamp: String(Math.floor(world.clock.now() / 1000) - 660) })],
    ['a timestamp 11 minutes ahead', () => ({ timestamp: String(Math.floor(world.clock.now() / 1000) + 660) })],
    ['no signature headers', () => ({ omitHeaders: true })],
    ['a garbage timestamp', () => ({ timestamp: 'yesterday' })],
  ])('%s → 403, zero reads and writes', async (_name, tamper) => {
    const body = batchBody(delivered());
    world.emulator.resetStats();
    const result = await post(body, tamper(body));
    expect(result.status).toBe(403);
    expectNoDataRequests();
    expect((await readMessage(world, 'm1'))?.status).toBe('sent');
  });

  it('fails closed without the public key secret (403, zero data requests)', async () => {
    delete world.secrets['SENDGRID_WEBHOOK_PUBLIC_KEY'];
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await post(batchBody(delivered()));
    expect(result.status).toBe(403);
    expectNoDataRequests();
    expect(errors.mock.calls.map((c) => String(c[0])).some((line) => line.includes('verification key secret is not configured'))).toBe(true);
    errors.mockRestore();
  });

  it('a key of another account does not verify', async () => {
    world.secrets['SENDGRID_WEBHOOK_PUBLIC_KEY'] = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
    expect((await post(batchBody(delivered()))).status).toBe(403);
    expectNoDataRequests();
  });

  it.each([
    ['malformed JSON', '[{"event":"delivered",\r\n'],
    ['a JSON object instead of an array', '{"event":"delivered"}'],
    ['an array of non-objects', '[1,2,3]\r\n'],
  ])('%s after a valid signature → 400, nothing written', async (_name, body) => {
    const result = await post(body);
    expect(result.status).toBe(400);
    expect(world.emulator.stats().writes).toBe(0);
  });

  it('unknown sendgrid routes are refused', async () => {
    const request = { ...signedRequest(batchBody(delivered()), world.clock.now()), path: ['other'] };
    expect((await world.asHttp(() => post_sendgrid(request))).status).toBe(400);
    expectNoDataRequests();
  });
});

describe('replays and duplicates', () => {
  it('a replayed batch (a retry, a duplicate delivery) writes nothing after its receipts insert', async () => {
    const events = [...delivered(), wireEvent(m1, 'click', { url: 'https://jobs.example/apply/7' })];
    expect(await postEvents(world, events)).toBe(200);
    const before = [await readMessage(world, 'm1'), await readMessage(world, 'm2')];
    world.emulator.resetStats();
    world.clock.set(world.clock.now() + 120_000);
    expect(await postEvents(world, events)).toBe(200);
    const stats = world.emulator.stats();
    expect(stats.writes).toBe(1);
    expect(stats.byCollection['SendGridEventReceipts']?.writes).toBe(1);
    expect(stats.reads).toBe(0);
    expect([await readMessage(world, 'm1'), await readMessage(world, 'm2')]).toEqual(before);
  });

  it('an event repeated inside one batch counts once', async () => {
    const open = wireEvent(m2, 'open', { sg_machine_open: false });
    const click = wireEvent(m2, 'click', { url: 'https://jobs.example/a' });
    expect(await postEvents(world, [open, click, open, click, open])).toBe(200);
    const m = await readMessage(world, 'm2');
    expect(m).toMatchObject({ open_count: 1, click_count: 1, clicked_links: ['https://jobs.example/a'] });
  });

  it('skips events it cannot read without failing the batch', async () => {
    const good = wireEvent(m1, 'delivered');
    const status = await postEvents(world, [{ event: 'account_status_change', type: 'compliance_suspend', timestamp: 1 }, { ...wireEvent(m2, 'click'), url: 42 }, good]);
    expect(status).toBe(200);
    expect((await readMessage(world, 'm1'))?.status).toBe('delivered');
    expect((await readMessage(world, 'm2'))?.click_count).toBe(0);
  });
});
