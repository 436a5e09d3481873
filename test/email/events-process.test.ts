/**
 * processSendGridWebhook through the http function: every event type mapped onto EmailMessages,
 * unknown messages ignored, events without our custom args found by sendgrid_id + address, the
 * data requests of a 1000-event batch, suppressions written at once (EmailSuppressions, which sends
 * read) and their side effects by the follow-up job (driver mirror → the compliance engine blocks the
 * driver, unsent email canceled), group resubscribes lifting, and a failed batch left for SendGrid's retry.
 */
import { seedDemoData } from '../../local/seed/seed';
import { Carriers, DriverProfiles } from '../../src/backend/collections/people';
import { EmailSuppressions } from '../../src/backend/collections/email';
import { SendGridEventReceipts } from '../../src/backend/collections/operations';
import { processSendGridWebhook, pruneSendGridEventReceipts, SendGridEvent, type ApplySuppressions } from '../../src/backend/email/events';
import { activeSuppressionsOf, isActiveSuppression } from '../../src/backend/email/suppress';
import { processEmailSuppressions } from '../../src/backend/email/suppressionEffects';
import { decideContact } from '../../src/backend/outreach';
import { elevatedCollection } from '../../src/backend/platform';
import { createEventsWorld, DOT, postEvents, readMessage, seedMessages, storedMessage, T0, wireEvent, type EventsWorld } from './events-support';

let world: EventsWorld;
beforeEach(() => {
  world = createEventsWorld();
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  world.close();
  jest.restoreAllMocks();
});

/** The address's EmailSuppressions item (these tests write at most one per address). */
const suppressionOf = async (address: string) => {
  const items = await world.asJob(() => elevatedCollection(EmailSuppressions).find((q) => q.eq('carrier_dot', DOT).eq('email_address', address.toLowerCase())));
  expect(items.length).toBeLessThanOrEqual(1);
  return items[0] ?? null;
};

describe('event mapping', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['processed', { send_at: 0 }, { status: 'sent' }],
    ['dropped', { reason: 'Bounced Address', status: '5.0.0' }, { status: 'dropped', drop_reason: 'Bounced Address' }],
    ['delivered', { response: '250 OK', tls: 1, ip: '167.89.0.1' }, { status: 'delivered', delivered_at: new Date(T0) }],
    ['deferred', { response: '400 try again later', attempt: '2' }, { status: 'deferred', deferral_count: 2, deferral_response: '400 try again later' }],
    ['bounce', { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown user', bounce_classification: 'Invalid Address' }, { status: 'bounced', bounce_type: 'hard', bounce_reason: '550 5.1.1 unknown user' }],
    ['bounce', { type: 'bounce', status: '4.2.2', reason: 'mailbox full', bounce_classification: 'Mailbox Unavailable' }, { status: 'bounced', bounce_type: 'soft' }],
    ['bounce', { type: 'blocked', status: '5.7.1', reason: 'listed', bounce_classification: 'Reputation' }, { status: 'bounced', bounce_type: 'block' }],
    ['open', { sg_machine_open: false, useragent: 'Mozilla/5.0' }, { status: 'delivered', opened: true, opened_at: new Date(T0), open_count: 1 }],
    ['open', { sg_machine_open: true }, { status: 'delivered', opened: false, open_count: 0, machine_open_count: 1 }],
    ['click', { url: 'https://jobs.example/apply/7', url_offset: { index: 0, type: 'html' } }, { clicked: true, clicked_at: new Date(T0), click_count: 1, clicked_links: ['https://jobs.example/apply/7'] }],
    ['spamreport', {}, { status: 'delivered', spam_reported: true }],
    ['unsubscribe', {}, { unsubscribed: true }],
    ['group_unsubscribe', { asm_group_id: 4821, useragent: 'x', ip: '1.2.3.4', url: 'https://x' }, { unsubscribed: true }],
    ['group_resubscribe', { asm_group_id: 4821 }, { status: 'sent', unsubscribed: false }],
  ])('%s %j → %j', async (event, extra, expected) => {
    const m = storedMessage('m1');
    await seedMessages(world, [m]);
    expect(await postEvents(world, [wireEvent(m, event, extra)])).toBe(200);
    expect(await readMessage(world, 'm1')).toMatchObject(expected);
  });

  it('clicks keep a unique, capped list of links; opens and clicks count every event and keep the first time', async () => {
    const m = storedMessage('m1');
    await seedMessages(world, [m]);
    const clicks = Array.from({ length: 30 }, (_, i) => wireEvent(m, 'click', { url: `https://jobs.example/job/${String(i % 25).padStart(2, '0')}` }, { at: T0 + i * 1000 }));
    const opens = [wireEvent(m, 'open', {}, { at: T0 + 5000 }), wireEvent(m, 'open', { sg_machine_open: false }, { at: T0 + 1000 }), wireEvent(m, 'open', { sg_machine_open: true }, { at: T0 })];
    expect(await postEvents(world, [...clicks.slice(0, 10), ...opens])).toBe(200);
    expect(await postEvents(world, clicks.slice(10))).toBe(200);
    const stored = await readMessage(world, 'm1');
    expect(stored?.click_count).toBe(30);
    expect(stored?.clicked_links).toHaveLength(20);
    expect(stored?.clicked_links).toEqual([...new Set(stored?.clicked_links)].sort());
    expect(stored?.clicked_at).toEqual(new Date(T0));
    expect(stored).toMatchObject({ open_count: 2, machine_open_count: 1, opened_at: new Date(T0 + 1000) });
  });

  it('a late delivered never overwrites a bounce, a processed never moves a message back', async () => {
    const m = storedMessage('m1');
    await seedMessages(world, [m]);
    await postEvents(world, [wireEvent(m, 'bounce', { type: 'bounce', status: '5.1.1', bounce_classification: 'Invalid Address' }, { at: T0 + 2000 })]);
    await postEvents(world, [wireEvent(m, 'delivered', {}, { at: T0 + 1000 }), wireEvent(m, 'processed', {}, { at: T0 }), wireEvent(m, 'deferred', { attempt: '1' }, { at: T0 + 500 })]);
    expect(await readMessage(world, 'm1')).toMatchObject({ status: 'bounced', bounce_type: 'hard', delivered_at: new Date(T0 + 1000) });
  });
});

describe('finding the message', () => {
  it('an unknown sg_message_id is ignored and counted: no message write', async () => {
    await seedMessages(world, [storedMessage('m1')]);
    const ghost = storedMessage('ghost');
    const events = SendGridEvent.array().parse([wireEvent(ghost, 'delivered'), wireEvent(ghost, 'open', {}, { bare: true })]);
    const report = await world.asJob(() => processSendGridWebhook(events));
    expect(report).toMatchObject({ received: 2, applied: 0, unknownMessage: 2, messagesUpdated: 0 });
    const stats = world.emulator.stats();
    expect(stats.byCollection['EmailMessages']?.writes ?? 0).toBe(0);
    expect(stats.writes).toBe(1);
  });

  it('events without our custom args are matched by X-Message-Id and address (one request, many recipients)', async () => {
    const shared = { sendgrid_id: 'XSHARED' };
    const a = storedMessage('a', shared);
    const b = storedMessage('b', { ...shared, email_address: 'B.Driver@Drivers.example' });
    await seedMessages(world, [a, b]);
    expect(await postEvents(world, [wireEvent(a, 'delivered', {}, { bare: true }), wireEvent({ ...b, email_address: 'b.driver@drivers.example' }, 'bounce', { type: 'blocked' }, { bare: true })])).toBe(200);
    expect((await readMessage(world, 'a'))?.status).toBe('delivered');
    expect(await readMessage(world, 'b')).toMatchObject({ status: 'bounced', bounce_type: 'block' });
  });

  it('events of mail sent with the earlier custom_args names (message_id, carrier_dot) still find their message and carrier', async () => {
    const m = storedMessage('old');
    await seedMessages(world, [m]);
    const legacy = (event: string, extra: Record<string, unknown> = {}, base: typeof m = m) => {
      const { m: _m, c: _c, ...rest } = wireEvent(base, event, extra, { bare: true });
      return { ...rest, message_id: base._id, campaign_id: 'camp-1', carrier_dot: DOT };
    };
    expect(await postEvents(world, [legacy('open')])).toBe(200);
    expect(await readMessage(world, 'old')).toMatchObject({ opened: true, open_count: 1 });
    const gone = storedMessage('gone-legacy', { email_address: 'legacy@drivers.example', sendgrid_id: null });
    expect(await postEvents(world, [legacy('unsubscribe', {}, gone)])).toBe(200);
    expect(await suppressionOf('legacy@drivers.example')).toMatchObject({ reason: 'unsubscribed', carrier_dot: DOT });
  });

  it('a 1000-event batch over 1000 stored messages costs 3 data requests (receipts, one read, one write)', async () => {
    const list = Array.from({ length: 1000 }, (_, i) => storedMessage(`m${i}`));
    await seedMessages(world, list);
    const kinds = ['delivered', 'open', 'click', 'processed'] as const;
    const events = list.map((m, i) => wireEvent(m, kinds[i % 4] ?? 'delivered', { url: 'https://jobs.example/a', sg_machine_open: i % 8 === 1 }));
    expect(await postEvents(world, events)).toBe(200);
    const stats = world.emulator.stats();
    expect({ reads: stats.reads, writes: stats.writes }).toEqual({ reads: 1, writes: 2 });
    expect((await readMessage(world, 'm2'))?.click_count).toBe(1);
  });
});

describe('suppressions', () => {
  it.each<[string, string, Record<string, unknown>, string | null]>([
    ['hard bounce', 'bounce', { type: 'bounce', status: '5.1.1', bounce_classification: 'Invalid Address' }, 'hard_bounce'],
    ['spam report', 'spamreport', {}, 'spam_report'],
    ['unsubscribe', 'unsubscribe', {}, 'unsubscribed'],
    ['group unsubscribe', 'group_unsubscribe', { asm_group_id: 77 }, 'group_unsubscribed'],
    ['soft bounce (not a suppression)', 'bounce', { type: 'bounce', status: '4.2.2', bounce_classification: 'Mailbox Unavailable' }, null],
    ['block (not a suppression)', 'bounce', { type: 'blocked', status: '5.7.1', bounce_classification: 'Reputation' }, null],
    ['drop (not a suppression)', 'dropped', { reason: 'Invalid' }, null],
  ])('%s → suppressed at once; the follow-up mirrors it on the driver and cancels unsent email', async (_name, event, extra, reason) => {
    await world.asJob(() => seedDemoData({ items: world.emulator.items as Parameters<typeof seedDemoData>[0]['items'], drivers: 30, seed: 5 }));
    const [driver] = await world.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.isNotEmpty('email').isEmpty('email_suppressed_reason'), { limit: 1 }));
    const [carrier] = await world.asJob(() => elevatedCollection(Carriers).find((q) => q.eq('carrier_dot', DOT), { limit: 1 }));
    if (!driver?.email || !carrier) throw new Error('demo data without an emailable driver');
    const m = storedMessage('m1', { driver_id: driver._id, email_address: driver.email });
    const pending = storedMessage('m2', { driver_id: driver._id, email_address: driver.email, status: 'pending', campaign_id: 'camp-2' });
    await seedMessages(world, [m, pending]);
    expect(await postEvents(world, [wireEvent(m, event, extra)])).toBe(200);
    const suppression = await suppressionOf(driver.email);
    // What every send reads before deciding (campaign waves, sequence email steps): effective now.
    const active = await world.asJob(() => activeSuppressionsOf(DOT, [driver.email ?? '']));
    expect(active.get(driver.email.toLowerCase())?.reason ?? null).toBe(reason);
    // The follow-up (job processEmailSuppressions) applies the side effects.
    await world.asJob(() => processEmailSuppressions());
    const after = await world.asJob(() => elevatedCollection(DriverProfiles).get(driver._id));
    if (!after) throw new Error('driver vanished');
    const decision = decideContact({ channel: 'email', driver: after, carrier, now: new Date(T0 + 1000) });
    if (reason === null) {
      expect(suppression).toBeNull();
      expect(decision.action === 'block' ? decision.rule : null).not.toBe('email.suppressed');
      expect((await readMessage(world, 'm2'))?.status).toBe('pending');
      return;
    }
    expect(suppression).toMatchObject({ reason, source: 'sendgrid_event', lifted_at: null, driver_id: driver._id });
    expect(suppression && isActiveSuppression(suppression)).toBe(true);
    expect(after.email_suppressed_reason).toBe(reason);
    expect(decision).toMatchObject({ action: 'block', rule: 'email.suppressed' });
    expect((await readMessage(world, 'm2'))?.status).toBe('canceled');
    expect((await suppressionOf(driver.email))?.effects_due_at).toBeNull();
  });

  it('group_resubscribe lifts the group suppression, in either arrival order', async () => {
    const m = storedMessage('m1');
    const n = storedMessage('n1');
    const p = storedMessage('p1');
    await seedMessages(world, [m, n, p]);
    const unsub = (x: typeof m, at: number) => wireEvent(x, 'group_unsubscribe', { asm_group_id: 77 }, { at });
    const resub = (x: typeof m, at: number) => wireEvent(x, 'group_resubscribe', { asm_group_id: 77 }, { at });
    // m: unsubscribe then resubscribe, in order; n: the same events, arriving the other way round.
    await postEvents(world, [unsub(m, T0)]);
    expect((await suppressionOf(m.email_address))?.lifted_at).toBeNull();
    await postEvents(world, [resub(m, T0 + 60_000)]);
    await postEvents(world, [resub(n, T0 + 60_000)]);
    await postEvents(world, [unsub(n, T0)]);
    expect(await suppressionOf(m.email_address)).toMatchObject({ suppressed_at: new Date(T0), lifted_at: new Date(T0 + 60_000) });
    // n: the resubscribe wrote its group's item lifted; the older unsubscribe arriving after it changed nothing.
    expect((await suppressionOf(n.email_address))?.lifted_at).toEqual(new Date(T0 + 60_000));
    // p: resubscribed, then unsubscribed again — the old resubscribe arriving last lifts nothing.
    await postEvents(world, [unsub(p, T0 + 60_000)]);
    await postEvents(world, [resub(p, T0)]);
    expect(await suppressionOf(p.email_address)).toMatchObject({ reason: 'group_unsubscribed', lifted_at: null });
    // What the sender checks before composing: no active suppression for either address.
    const active = await world.asJob(() => activeSuppressionsOf(DOT, [m, n, p].map((x) => x.email_address)));
    expect([...active.keys()]).toEqual([p.email_address]);
  });

  it('an unsubscribe for a message we no longer have is still honoured for the carrier its custom args name', async () => {
    const gone = storedMessage('gone', { email_address: 'left@drivers.example' });
    expect(await postEvents(world, [wireEvent(gone, 'unsubscribe')])).toBe(200);
    expect(await suppressionOf('left@drivers.example')).toMatchObject({ reason: 'unsubscribed', carrier_dot: DOT });
  });
});

describe('failures are left for SendGrid to retry', () => {
  it('when applying fails, the receipts go too: the retry applies every event exactly once', async () => {
    const m = storedMessage('m1');
    await seedMessages(world, [m]);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const events = SendGridEvent.array().parse([wireEvent(m, 'open'), wireEvent(m, 'spamreport')]);
    const failing: ApplySuppressions = async () => {
      throw new Error('data request timed out');
    };
    await expect(world.asJob(() => processSendGridWebhook(events, { applySuppressions: failing }))).rejects.toThrow('timed out');
    expect(await world.asJob(() => elevatedCollection(SendGridEventReceipts).count())).toBe(0);
    expect((await readMessage(world, 'm1'))?.open_count).toBe(0);
    const retry = await world.asJob(() => processSendGridWebhook(events));
    expect(retry).toMatchObject({ applied: 2, duplicates: 0 });
    await world.asJob(() => processSendGridWebhook(events));
    expect(await readMessage(world, 'm1')).toMatchObject({ open_count: 1, spam_reported: true });
  });
});

describe('receipt retention', () => {
  it('receipts are kept 72 h, then pruned; a replay inside the window is still recognised', async () => {
    const m = storedMessage('m1');
    await seedMessages(world, [m]);
    const old = [wireEvent(m, 'open'), wireEvent(m, 'click', { url: 'https://jobs.example/a' })];
    expect(await postEvents(world, old)).toBe(200);
    world.clock.set(T0 + 71 * 3_600_000);
    expect(await postEvents(world, old)).toBe(200);
    expect((await readMessage(world, 'm1'))?.open_count).toBe(1);
    const fresh = wireEvent(m, 'open', {}, { at: T0 + 71 * 3_600_000 });
    expect(await postEvents(world, [fresh])).toBe(200);
    world.clock.set(T0 + 73 * 3_600_000);
    const report = await world.asJob(() => pruneSendGridEventReceipts());
    expect(report).toEqual({ removed: 2, partial: false });
    expect(await world.asJob(() => elevatedCollection(SendGridEventReceipts).count())).toBe(1);
  });
});
