import { DriverProfiles, RecruiterProfiles } from '../../src/backend/collections';
import { elevatedCollection, ItemValidationError, memberCollection } from '../../src/backend/platform';
import { generateDrivers } from '../../local/seed/generate';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

const CARRIER = '2233445';

function drivers(count: number) {
  return [...generateDrivers({ count, seed: 7, carrierDot: CARRIER })].flat();
}

describe('platform collection access', () => {
  let rt: TestRuntime;
  beforeEach(() => {
    rt = installTestRuntime();
  });
  afterEach(() => rt.close());

  it('splits bulk inserts into calls of at most 1000 items and sums the outcome', async () => {
    const list = drivers(2500);
    const before = rt.emulator.stats().writes;
    const outcome = await rt.asJob(() => elevatedCollection(DriverProfiles).bulkInsert(list));
    expect(outcome.inserted).toBe(2500);
    expect(outcome.insertedItemIds).toHaveLength(2500);
    expect(rt.emulator.stats().writes - before).toBe(3);
    const again = await rt.asJob(() => elevatedCollection(DriverProfiles).bulkInsert(list.slice(0, 10)));
    expect(again).toMatchObject({ inserted: 0, skipped: 10 });
  });

  it('streams every match in pages of at most 1000 with one read per page', async () => {
    await rt.asJob(() => elevatedCollection(DriverProfiles).bulkInsert(drivers(2100)));
    const before = rt.emulator.stats().reads;
    const sizes: number[] = [];
    await rt.asJob(async () => {
      for await (const page of elevatedCollection(DriverProfiles).pages((q) => q.eq('carrier_dot', CARRIER).ascending('_id'))) sizes.push(page.length);
    });
    expect(sizes).toEqual([1000, 1000, 100]);
    expect(rt.emulator.stats().reads - before).toBe(3);
  });

  it('bulkPatch writes the same fields to many items in one request per 1000, keeping every other field', async () => {
    const list = drivers(1200);
    await rt.asJob(() => elevatedCollection(DriverProfiles).bulkInsert(list));
    const at = new Date('2026-11-04T21:00:00Z');
    const ids = [...list.map((d) => d._id ?? ''), 'no-such-driver'];
    const before = rt.emulator.stats();
    const outcome = await rt.asJob(() => elevatedCollection(DriverProfiles).bulkPatch(ids, { last_sms_at: at }, { suppressHooks: true }));
    const after = rt.emulator.stats();
    expect(outcome.updated).toBe(1200);
    expect(outcome.errors).toEqual([expect.objectContaining({ index: 1200, code: 'WDE0073' })]);
    expect(after.writes - before.writes).toBe(2);
    expect(after.reads - before.reads).toBe(0);
    const [first] = await rt.asJob(() => elevatedCollection(DriverProfiles).find((q) => q.eq('_id', list[0]?._id ?? '')));
    expect(first?.last_sms_at).toEqual(at);
    expect(first?.phone).toBe(list[0]?.phone);
    expect(first?.first_name).toBe(list[0]?.first_name);
  });

  it('bulkPatch refuses fields outside the schema and values its schema rejects, writing nothing', async () => {
    const list = drivers(3);
    await rt.asJob(() => elevatedCollection(DriverProfiles).bulkInsert(list));
    const before = rt.emulator.stats().writes;
    const ids = list.map((d) => d._id ?? '');
    await expect(rt.asJob(() => elevatedCollection(DriverProfiles).bulkPatch(ids, { nickname: 'x' } as never))).rejects.toBeInstanceOf(ItemValidationError);
    await expect(rt.asJob(() => elevatedCollection(DriverProfiles).bulkPatch(ids, { last_sms_at: 'yesterday' } as never))).rejects.toBeInstanceOf(ItemValidationError);
    expect(rt.emulator.stats().writes).toBe(before);
  });

  it('rejects an item that does not match the collection schema before writing', async () => {
    const before = rt.emulator.stats().writes;
    const bad = { member_id: 'm1', carrier_dot: 'not-a-dot', first_name: 'A', last_name: 'B', role: 'boss' };
    await expect(rt.asJob(() => elevatedCollection(RecruiterProfiles).insert(bad as never))).rejects.toBeInstanceOf(ItemValidationError);
    expect(rt.emulator.stats().writes).toBe(before);
  });

  it('member access is subject to the collection permissions; elevated access is not', async () => {
    const member = { _id: 'member-x', loginEmail: 'x@example.test', firstName: 'X', lastName: 'Y', roles: ['SiteMember'] as const };
    await expect(rt.as(member, () => memberCollection(DriverProfiles).count())).rejects.toMatchObject({ code: 'WDE0027' });
    await expect(rt.as(member, () => elevatedCollection(DriverProfiles).count())).resolves.toBe(0);
  });
});
