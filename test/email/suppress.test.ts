/**
 * `suppressEmailAddresses` / `liftEmailSuppressions`, the shared suppression path of direct callers
 * (one-click, recruiters): one item per carrier, address and reason, its side effects applied at
 * once (driver mirror, unsent email canceled), a handful of data requests for a whole batch, a repeat
 * writing nothing, stronger reasons outranking a group unsubscribe, and a group resubscribe lifting
 * only its own group's item.
 */
import { EmailMessages, EmailSuppressions } from '../../src/backend/collections/email';
import { DriverProfiles, type DriverProfile } from '../../src/backend/collections/people';
import { activeSuppressionsOf, liftEmailSuppressions, suppressEmailAddresses, suppressionId } from '../../src/backend/email/suppress';
import { elevatedCollection } from '../../src/backend/platform';
import { createEmailWorld, DEMO_CARRIER_DOT, NOON, type EmailWorld } from './campaign-support';

describe('suppressEmailAddresses', () => {
  let world: EmailWorld;
  let drivers: DriverProfile[] = [];
  jest.setTimeout(60_000);
  const at = new Date(NOON);

  beforeAll(async () => {
    world = await createEmailWorld({ drivers: 300, seed: 91 });
    drivers = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT).eq('email_reachable', 1).ascending('_id'), { limit: 120 }));
    // Unsent emails (pending / held) and a sent one to the first 100 drivers, in some campaign.
    await world.rt.asJob(() =>
      elevatedCollection(EmailMessages).bulkInsert(
        drivers.slice(0, 100).map((d, i) => ({
          _id: `c.r0.m${i}`, campaign_id: 'c', carrier_dot: DEMO_CARRIER_DOT, driver_id: d._id, email_address: d.email ?? '', subject: 's',
          status: i % 3 === 0 ? ('held' as const) : i % 3 === 1 ? ('pending' as const) : ('delivered' as const),
          opened: false, open_count: 0, clicked: false, click_count: 0, clicked_links: [], unsubscribed: false, spam_reported: false,
        })),
      ),
    );
  });
  afterAll(() => world.close());

  const entry = (d: DriverProfile, extra: Partial<Parameters<typeof suppressEmailAddresses>[0][number]> = {}) => ({ carrierDot: DEMO_CARRIER_DOT, emailAddress: (d.email ?? '').toUpperCase(), reason: 'hard_bounce' as const, source: 'sendgrid_event' as const, at, evidence: `evt-${d._id}`, ...extra });

  it('suppresses a batch in a handful of data requests: items, driver mirror, unsent email canceled', async () => {
    const batch = drivers.slice(0, 100);
    world.rt.emulator.resetStats();
    const report = await world.rt.asJob(() => suppressEmailAddresses(batch.map((d) => entry(d))));
    const stats = world.rt.emulator.stats();
    // items read 1 + bulkSave 1; effects: items 1, drivers 1 + update 1, unsent 1 + patch 1, enrollments 1; queue mark 1.
    expect(stats.reads + stats.writes).toBeLessThanOrEqual(10);
    const addresses = new Set(batch.map((d) => d.email));
    expect(report.suppressed).toBe(addresses.size);
    expect(report.alreadySuppressed).toBe(0);
    expect(report.emailsCanceled).toBe(batch.filter((_, i) => i % 3 !== 2).length);
    const stored = await world.rt.asJob(() => elevatedCollection(EmailSuppressions).find((q) => q.eq('carrier_dot', DEMO_CARRIER_DOT), { limit: 1000 }));
    expect(new Set(stored.map((s) => s._id))).toEqual(new Set([...addresses].map((a) => suppressionId(DEMO_CARRIER_DOT, a ?? '', 'hard_bounce'))));
    expect(stored.every((s) => s.reason === 'hard_bounce' && s.email_address === s.email_address.toLowerCase() && s.effects_due_at === null)).toBe(true);
    const mirrored = await world.rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.hasSome('_id', batch.map((d) => d._id))));
    for (const d of mirrored) expect(d).toMatchObject({ email_suppressed_reason: 'hard_bounce', email_reachable: 0 });
    const messages = await world.rt.asJob(() => elevatedCollection(EmailMessages).find((q) => q.eq('campaign_id', 'c'), { limit: 1000 }));
    expect(messages.filter((m) => m.status === 'canceled').every((m) => m.compliance_rule === 'email.suppressed')).toBe(true);
    expect(messages.filter((m) => m.status === 'pending' || m.status === 'held')).toEqual([]);
    expect(messages.filter((m) => m.status === 'delivered')).toHaveLength(batch.filter((_, i) => i % 3 === 2).length);
  });

  it('is idempotent: the same batch again writes nothing and keeps the first item; another reason adds its own', async () => {
    const first = suppressionId(DEMO_CARRIER_DOT, drivers[0]?.email ?? '', 'hard_bounce');
    const before = await world.rt.asJob(() => elevatedCollection(EmailSuppressions).get(first));
    world.rt.emulator.resetStats();
    const report = await world.rt.asJob(() => suppressEmailAddresses(drivers.slice(0, 100).map((d) => entry(d, { at: new Date(NOON + 1000) }))));
    expect(world.rt.emulator.stats().writes).toBe(0);
    expect(report).toMatchObject({ suppressed: 0, emailsCanceled: 0, driversUpdated: 0 });
    expect(await world.rt.asJob(() => elevatedCollection(EmailSuppressions).get(first))).toEqual(before);
    // An unsubscribe of the same address: its own item (the audit trail keeps both), the mirror keeps the first reason.
    const again = await world.rt.asJob(() => suppressEmailAddresses(drivers.slice(0, 2).map((d) => entry(d, { reason: 'unsubscribed', at: new Date(NOON + 2000) }))));
    expect(again).toMatchObject({ suppressed: 2, driversUpdated: 0 });
    expect(await world.rt.asJob(() => elevatedCollection(EmailSuppressions).get(first))).toEqual(before);
    expect((await world.rt.asJob(() => elevatedCollection(DriverProfiles).get(drivers[0]?._id ?? '')))?.email_suppressed_reason).toBe('hard_bounce');
  });

  it('a group resubscribe lifts only that group’s item; a stronger reason keeps the address suppressed', async () => {
    const [a, b] = drivers.slice(100, 102);
    if (!a || !b) throw new Error('drivers');
    await world.rt.asJob(() => suppressEmailAddresses([entry(a, { reason: 'group_unsubscribed', asmGroupId: 4821, driverId: a._id }), entry(b, { reason: 'group_unsubscribed', asmGroupId: 4821, driverId: b._id })]));
    // b later hard-bounces: the stronger reason gets its own item and shows on the mirror.
    await world.rt.asJob(() => suppressEmailAddresses([entry(b, { reason: 'hard_bounce', driverId: b._id })]));
    const mirror = async (id: string) => (await world.rt.asJob(() => elevatedCollection(DriverProfiles).get(id)))?.email_suppressed_reason ?? null;
    expect(await mirror(a._id)).toBe('group_unsubscribed');
    expect(await mirror(b._id)).toBe('hard_bounce');
    const lifted = await world.rt.asJob(() =>
      liftEmailSuppressions([
        { carrierDot: DEMO_CARRIER_DOT, emailAddress: a.email ?? '', asmGroupId: 999, at },
        { carrierDot: DEMO_CARRIER_DOT, emailAddress: a.email ?? '', asmGroupId: 4821, at },
        { carrierDot: DEMO_CARRIER_DOT, emailAddress: b.email ?? '', asmGroupId: 4821, at },
      ]),
    );
    // Group 999 had no item; both 4821 items are lifted.
    expect(lifted).toEqual({ lifted: 2 });
    const item = (d: DriverProfile, reason: 'group_unsubscribed' | 'hard_bounce') => world.rt.asJob(() => elevatedCollection(EmailSuppressions).get(suppressionId(DEMO_CARRIER_DOT, d.email ?? '', reason, reason === 'group_unsubscribed' ? 4821 : null)));
    expect((await item(a, 'group_unsubscribed'))?.lifted_at).toEqual(at);
    expect((await item(b, 'group_unsubscribed'))?.lifted_at).toEqual(at);
    expect(await item(b, 'hard_bounce')).toMatchObject({ reason: 'hard_bounce', lifted_at: null });
    const active = await world.rt.asJob(() => activeSuppressionsOf(DEMO_CARRIER_DOT, [a.email ?? '', b.email ?? '']));
    expect([...active.values()].map((s) => s.reason)).toEqual(['hard_bounce']);
    expect(await mirror(a._id)).toBeNull();
    expect(await mirror(b._id)).toBe('hard_bounce');
  });
});
