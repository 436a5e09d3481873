/**
 * Suppressions through the SendGrid Event Webhook: a signed 1000-event batch carrying spam reports,
 * unsubscribes, hard bounces and group unsubscribes costs at most five data requests (the
 * EmailSuppressions items written without a read, nothing on DriverProfiles); the side effects
 * (driver mirror, unsent email canceled) are queued in the same write and applied by the follow-up
 * job, which is idempotent and survives being killed before it runs and in the middle of its work.
 */
import { seedDemoData } from '../../local/seed/seed';
import { EmailSuppressions, type EmailMessage } from '../../src/backend/collections/email';
import { DriverProfiles, type DriverProfile } from '../../src/backend/collections/people';
import { activeSuppressionsOf } from '../../src/backend/email/suppress';
import { processEmailSuppressions } from '../../src/backend/email/suppressionEffects';
import { dueSuppressionItems, markEffectsApplied, saveSuppressionItems, suppressionId } from '../../src/backend/email/suppressionRecords';
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

const HARD = { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown user', bounce_classification: 'Invalid Address' };

class KilledError extends Error {
  constructor() {
    super('killed');
    this.name = 'KilledError';
  }
}

/** Kills "the process" at the next EmailSuppressions bulk patch (the follow-up's queue mark): before it lands, or after. */
function killAtQueueMark(world: EventsWorld, after: boolean): { fired(): boolean } {
  const items = world.emulator.items as unknown as Record<string, unknown>;
  const original = items['bulkPatch'] as (...args: unknown[]) => { run: (...a: unknown[]) => Promise<unknown> };
  let fired = false;
  items['bulkPatch'] = (...args: unknown[]) => {
    const builder = original(...args);
    if (fired || args[0] !== 'EmailSuppressions') return builder;
    const run = builder.run.bind(builder);
    builder.run = async (...a: unknown[]) => {
      fired = true;
      items['bulkPatch'] = original;
      if (after) await run(...a);
      throw new KilledError();
    };
    return builder;
  };
  return { fired: () => fired };
}

/** Demo drivers with an address, each with a sent message and an unsent (`pending`) one of another campaign. */
async function driversWithMail(count: number): Promise<{ drivers: DriverProfile[]; sent: EmailMessage[] }> {
  await world.asJob(() => seedDemoData({ items: world.emulator.items as Parameters<typeof seedDemoData>[0]['items'], drivers: 60, seed: 5 }));
  const found = await world.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DOT).isNotEmpty('email').isEmpty('email_suppressed_reason').ascending('_id'), { limit: 200 }));
  const drivers = [...new Map(found.map((d) => [d.email, d])).values()].slice(0, count);
  if (drivers.length < count) throw new Error('not enough demo drivers with an address');
  const sent = drivers.map((d, i) => storedMessage(`s${i}`, { driver_id: d._id, email_address: d.email ?? '' }));
  const pending = drivers.map((d, i) => storedMessage(`p${i}`, { driver_id: d._id, email_address: d.email ?? '', status: 'pending', campaign_id: 'camp-2', sendgrid_id: null }));
  await seedMessages(world, [...sent, ...pending]);
  return { drivers, sent };
}

const mirrorOf = async (id: string) => (await world.asJob(() => elevatedCollection(DriverProfiles).get(id)))?.email_suppressed_reason ?? null;

describe('a batch with suppressions', () => {
  it('1000 events with spam reports, unsubscribes, hard bounces and group unsubscribes cost ≤ 5 data requests, none on DriverProfiles', async () => {
    const list = Array.from({ length: 1000 }, (_, i) => storedMessage(`m${i}`));
    await seedMessages(world, list);
    const events = list.map((m, i) => {
      if (i < 3) return wireEvent(m, 'spamreport');
      if (i < 6) return wireEvent(m, 'unsubscribe');
      if (i < 16) return wireEvent(m, 'bounce', HARD);
      if (i < 18) return wireEvent(m, 'group_unsubscribe', { asm_group_id: 4821 });
      if (i < 19) return wireEvent(m, 'group_resubscribe', { asm_group_id: 4821 });
      return wireEvent(m, i % 3 === 0 ? 'open' : 'delivered');
    });
    expect(await postEvents(world, events)).toBe(200);
    const stats = world.emulator.stats();
    expect(stats.reads + stats.writes).toBeLessThanOrEqual(5);
    expect(stats.byCollection['SendGridEventReceipts']).toMatchObject({ reads: 1, writes: 1 });
    expect(stats.byCollection['EmailMessages']).toMatchObject({ reads: 1, writes: 1 });
    expect(stats.byCollection['EmailSuppressions']).toMatchObject({ reads: 0, writes: 1 });
    expect(stats.byCollection['DriverProfiles']).toBeUndefined();
    // 3 + 3 + 10 + 2 suppressions and one resubscribe, each one item, all queued for the follow-up.
    const items = await world.asJob(() => elevatedCollection(EmailSuppressions).find((q) => q.eq('carrier_dot', DOT), { limit: 100 }));
    expect(items).toHaveLength(19);
    expect(items.every((i) => i.effects_due_at instanceof Date)).toBe(true);
    const active = await world.asJob(() => activeSuppressionsOf(DOT, list.slice(0, 20).map((m) => m.email_address)));
    expect(active.size).toBe(18);
    expect(active.get(list[0]?.email_address ?? '')?.reason).toBe('spam_report');
    expect(active.get(list[16]?.email_address ?? '')?.reason).toBe('group_unsubscribed');
    expect(active.has(list[18]?.email_address ?? '')).toBe(false);
  });

  it('a spam report after a group unsubscribe, in another batch, is its own item: the later resubscribe lifts only the group', async () => {
    const m = storedMessage('m1');
    await seedMessages(world, [m]);
    await postEvents(world, [wireEvent(m, 'group_unsubscribe', { asm_group_id: 77 }, { at: T0 })]);
    await postEvents(world, [wireEvent(m, 'spamreport', {}, { at: T0 + 1000 })]);
    await postEvents(world, [wireEvent(m, 'group_resubscribe', { asm_group_id: 77 }, { at: T0 + 2000 })]);
    const active = await world.asJob(() => activeSuppressionsOf(DOT, [m.email_address]));
    expect(active.get(m.email_address)?.reason).toBe('spam_report');
    const group = await world.asJob(() => elevatedCollection(EmailSuppressions).get(suppressionId(DOT, m.email_address, 'group_unsubscribed', 77)));
    expect(group).toMatchObject({ suppressed_at: new Date(T0), lifted_at: new Date(T0 + 2000) });
  });
});

describe('the follow-up (processEmailSuppressions)', () => {
  it('applies the queued side effects once: driver mirror, unsent email canceled; a second run writes nothing', async () => {
    const { drivers, sent } = await driversWithMail(4);
    const [a, b, c, d] = sent;
    if (!a || !b || !c || !d) throw new Error('messages');
    expect(await postEvents(world, [wireEvent(a, 'unsubscribe'), wireEvent(b, 'spamreport'), wireEvent(c, 'bounce', HARD), wireEvent(d, 'open')])).toBe(200);
    // Nothing but the items yet: the mirror and the unsent email wait for the follow-up.
    expect(await mirrorOf(drivers[0]?._id ?? '')).toBeNull();
    expect((await readMessage(world, 'p0'))?.status).toBe('pending');
    const report = await world.asJob(() => processEmailSuppressions());
    expect(report).toMatchObject({ items: 3, failed: 0, partial: false, driversUpdated: 3, emailsCanceled: 3 });
    expect(await Promise.all(drivers.map((x) => mirrorOf(x._id)))).toEqual(['unsubscribed', 'spam_report', 'hard_bounce', null]);
    expect((await Promise.all(['p0', 'p1', 'p2', 'p3'].map((id) => readMessage(world, id)))).map((x) => x?.status)).toEqual(['canceled', 'canceled', 'canceled', 'pending']);
    expect(await world.asJob(() => dueSuppressionItems(1000))).toEqual([]);
    world.emulator.resetStats();
    expect(await world.asJob(() => processEmailSuppressions())).toMatchObject({ items: 0, driversUpdated: 0, emailsCanceled: 0 });
    expect(world.emulator.stats()).toMatchObject({ reads: 1, writes: 0 });
  });

  it('survives a crash between the webhook and the follow-up, and in the middle of the follow-up (before or after its mark lands)', async () => {
    const { drivers, sent } = await driversWithMail(3);
    const [a, b, c] = sent;
    if (!a || !b || !c) throw new Error('messages');
    expect(await postEvents(world, [wireEvent(a, 'unsubscribe'), wireEvent(b, 'group_unsubscribe', { asm_group_id: 9 })])).toBe(200);
    // The process dies right after answering 200: nothing ran but the webhook. The queue is in the data.
    expect((await world.asJob(() => dueSuppressionItems(1000))).map((i) => i.email_address).sort()).toEqual([a.email_address, b.email_address].sort());
    // The first follow-up run dies at its queue mark, before it lands.
    const killed = killAtQueueMark(world, false);
    await expect(world.asJob(() => processEmailSuppressions())).rejects.toThrow('killed');
    expect(killed.fired()).toBe(true);
    expect(await world.asJob(() => dueSuppressionItems(1000))).toHaveLength(2);
    // Another batch arrives meanwhile; the next run dies after its mark landed.
    expect(await postEvents(world, [wireEvent(c, 'bounce', HARD)])).toBe(200);
    killAtQueueMark(world, true);
    await expect(world.asJob(() => processEmailSuppressions())).rejects.toThrow('killed');
    // Whatever was left is finished by the next run; the effects are those of one clean run.
    await world.asJob(() => processEmailSuppressions());
    expect(await world.asJob(() => dueSuppressionItems(1000))).toEqual([]);
    expect(await Promise.all(drivers.map((x) => mirrorOf(x._id)))).toEqual(['unsubscribed', 'group_unsubscribed', 'hard_bounce']);
    expect((await Promise.all(['p0', 'p1', 'p2'].map((id) => readMessage(world, id)))).map((x) => x?.status)).toEqual(['canceled', 'canceled', 'canceled']);
    // A resubscribe lifts the group: the follow-up clears that mirror only.
    expect(await postEvents(world, [wireEvent(b, 'group_resubscribe', { asm_group_id: 9 }, { at: T0 + 60_000 })])).toBe(200);
    await world.asJob(() => processEmailSuppressions());
    expect(await Promise.all(drivers.map((x) => mirrorOf(x._id)))).toEqual(['unsubscribed', null, 'hard_bounce']);
  });

  it('an item written again while the follow-up works on it stays queued', async () => {
    const at = new Date(T0);
    const item = { _id: suppressionId(DOT, 'x@drivers.example', 'unsubscribed'), carrier_dot: DOT, email_address: 'x@drivers.example', reason: 'unsubscribed' as const, source: 'sendgrid_event' as const, asm_group_id: null, driver_id: null, suppressed_at: at, evidence: 'ev1', lifted_at: null };
    await world.asJob(() => saveSuppressionItems([item], at));
    const read = await world.asJob(() => dueSuppressionItems(1000));
    await world.asJob(() => saveSuppressionItems([{ ...item, evidence: 'ev2' }], new Date(T0 + 1000)));
    expect(await world.asJob(() => markEffectsApplied(read, new Date(T0 + 2000)))).toBe(0);
    expect((await world.asJob(() => dueSuppressionItems(1000))).map((i) => i.evidence)).toEqual(['ev2']);
    const again = await world.asJob(() => dueSuppressionItems(1000));
    expect(await world.asJob(() => markEffectsApplied(again, new Date(T0 + 3000)))).toBe(1);
    expect(await world.asJob(() => dueSuppressionItems(1000))).toEqual([]);
  });
});
