/** Contract: writes, system fields, bulk operations and aggregation (both targets). */
import type { ContractTarget } from '../target';
import { codeOf, seedPeople } from './fixtures';

export function defineWriteSuite(target: () => ContractTarget): void {
  const t = () => target();
  const c = () => target().collection;

  describe('single-item writes', () => {
    beforeEach(async () => t().clear());

    test('insert adds system fields, generates _id and does not mutate its argument', async () => {
      const input = { title: 'x', when: new Date('2024-05-01T12:00:00Z') };
      const saved = await t().items.insert(c(), input);
      expect(input).toEqual({ title: 'x', when: new Date('2024-05-01T12:00:00Z') });
      expect(typeof saved['_id']).toBe('string');
      expect(saved['_createdDate']).toBeInstanceOf(Date);
      expect(saved['_updatedDate']).toBeInstanceOf(Date);
      const got = await t().items.get(c(), String(saved['_id']));
      expect(got?.['title']).toBe('x');
      expect(got?.['when']).toEqual(new Date('2024-05-01T12:00:00Z'));
    });
    test('insert keeps a given _id; a duplicate _id → WDE0074', async () => {
      await t().items.insert(c(), { _id: 'dup', v: 1 });
      expect(await codeOf(t().items.insert(c(), { _id: 'dup', v: 2 }))).toBe('WDE0074');
      expect((await t().items.get(c(), 'dup'))?.['v']).toBe(1);
    });
    test('insert with _id null or "" is rejected', async () => {
      await expect(t().items.insert(c(), { _id: null, v: 1 })).rejects.toThrow();
      await expect(t().items.insert(c(), { _id: '', v: 1 })).rejects.toThrow();
    });
    test('get of a missing id resolves null', async () => {
      expect(await t().items.get(c(), 'nope')).toBeNull();
    });
    test('update replaces the whole item, keeps _createdDate, bumps _updatedDate', async () => {
      const saved = await t().items.insert(c(), { _id: 'u1', a: 1, b: 2 });
      const input = { _id: 'u1', a: 10 };
      const updated = await t().items.update(c(), input);
      expect(input).toEqual({ _id: 'u1', a: 10 });
      expect(updated['a']).toBe(10);
      const got = await t().items.get(c(), 'u1');
      expect(got?.['b']).toBeUndefined();
      expect(got?.['_createdDate']).toEqual(saved['_createdDate']);
      expect((got?.['_updatedDate'] as Date).getTime()).toBeGreaterThanOrEqual((saved['_updatedDate'] as Date).getTime());
    });
    test('update of a missing item → WDE0073; without a string _id → WDE0007', async () => {
      expect(await codeOf(t().items.update(c(), { _id: 'ghost', a: 1 }))).toBe('WDE0073');
      expect(await codeOf(t().items.update(c(), { a: 1 }))).toBe('WDE0007');
    });
    test('save inserts, then replaces', async () => {
      await t().items.save(c(), { _id: 's1', a: 1, b: 1 });
      await t().items.save(c(), { _id: 's1', a: 2 });
      const got = await t().items.get(c(), 's1');
      expect(got?.['a']).toBe(2);
      expect(got?.['b']).toBeUndefined();
    });
    test('remove returns the removed item; a second remove resolves null', async () => {
      await t().items.insert(c(), { _id: 'r1', a: 1 });
      const removed = await t().items.remove(c(), 'r1');
      expect(removed?.['a']).toBe(1);
      expect(await t().items.get(c(), 'r1')).toBeNull();
      expect(await t().items.remove(c(), 'r1')).toBeNull();
    });
    test('truncate removes everything', async () => {
      await t().items.bulkInsert(c(), [{ a: 1 }, { a: 2 }]);
      await t().items.truncate(c());
      expect(await t().items.query(c()).count()).toBe(0);
    });
    test('an item over 512 KB → WDE0009', async () => {
      expect(await codeOf(t().items.insert(c(), { big: 'x'.repeat(600 * 1024) }))).toBe('WDE0009');
    });
  });

  describe('bulk operations', () => {
    beforeEach(async () => t().clear());

    test('bulkInsert result shape; existing ids are skipped', async () => {
      await t().items.insert(c(), { _id: 'old' });
      const r = await t().items.bulkInsert(c(), [{ _id: 'n1' }, { _id: 'old' }, { _id: 'n2' }]);
      expect(r.inserted).toBe(2);
      expect(r.skipped).toBe(1);
      expect(r.updated).toBe(0);
      expect(r.insertedItemIds.sort()).toEqual(['n1', 'n2']);
      expect(r.updatedItemIds).toEqual([]);
      expect(Array.isArray(r.errors)).toBe(true);
    });
    test('bulk calls over 1000 items → WDE0006; bulkRemove over 1000 ids → WDE0069', async () => {
      const many = Array.from({ length: 1001 }, (_, i) => ({ _id: `m${i}` }));
      expect(await codeOf(t().items.bulkInsert(c(), many))).toBe('WDE0006');
      expect(await codeOf(t().items.bulkSave(c(), many))).toBe('WDE0006');
      expect(await codeOf(t().items.bulkRemove(c(), many.map((m) => m._id)))).toBe('WDE0069');
    });
    test('an empty bulk array is an error', async () => {
      await expect(t().items.bulkInsert(c(), [])).rejects.toThrow();
      await expect(t().items.bulkRemove(c(), [])).rejects.toThrow();
    });
    test('bulkUpdate replaces existing items and reports missing ones as errors', async () => {
      await t().items.bulkInsert(c(), [{ _id: 'x1', a: 1, b: 1 }, { _id: 'x2', a: 2 }]);
      const r = await t().items.bulkUpdate(c(), [{ _id: 'x1', a: 10 }, { _id: 'ghost', a: 0 }]);
      expect(r.updated).toBe(1);
      expect(r.updatedItemIds).toEqual(['x1']);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]?.originalIndex).toBe(1);
      expect((await t().items.get(c(), 'x1'))?.['b']).toBeUndefined();
    });
    test('bulkSave inserts new and replaces existing', async () => {
      await t().items.insert(c(), { _id: 'y1', a: 1 });
      const r = await t().items.bulkSave(c(), [{ _id: 'y1', a: 2 }, { _id: 'y2', a: 3 }]);
      expect(r.inserted).toBe(1);
      expect(r.updated).toBe(1);
      expect(r.insertedItemIds).toEqual(['y2']);
      expect(r.updatedItemIds).toEqual(['y1']);
    });
    test('bulkRemove result shape; missing ids are skipped', async () => {
      await t().items.bulkInsert(c(), [{ _id: 'z1' }, { _id: 'z2' }]);
      const r = await t().items.bulkRemove(c(), ['z1', 'z2', 'ghost']);
      expect(r.removed).toBe(2);
      expect(r.removedItemIds.sort()).toEqual(['z1', 'z2']);
      expect(r.skipped).toBe(1);
      expect(r.errors).toEqual([]);
      expect(await t().items.query(c()).count()).toBe(0);
    });
  });

  describe('aggregate', () => {
    beforeAll(async () => seedPeople(t()));
    const agg = () => t().items.aggregate(c());
    const f = () => t().items.filter();

    test('group + count / sum / avg / min / max', async () => {
      const r = await agg().filter(f().isNotEmpty('age')).group('age').count().sum('age').run();
      const byAge = new Map(r.items.map((i) => [i['_id'], i]));
      expect(byAge.get(30)?.['count']).toBe(2);
      expect(byAge.get(30)?.['ageSum']).toBe(60);
      const all = await agg().avg('age').min('age').max('age').sum('age', 'total').run();
      expect(all.items[0]?.['ageAvg']).toBe(32);
      expect(all.items[0]?.['ageMin']).toBe(25);
      expect(all.items[0]?.['ageMax']).toBe(40);
      expect(all.items[0]?.['total']).toBe(160);
    });
    test('having, sorting, skip and limit', async () => {
      const r = await agg().filter(f().isNotEmpty('age')).group('age').count().having(f().ge('count', 1)).descending('_id').skip(1).limit(2).run();
      expect(r.items.map((i) => i['_id'])).toEqual([35, 30]);
      const two = await agg().filter(f().isNotEmpty('age')).group('age').count().having(f().gt('count', 1)).run();
      expect(two.items.map((i) => i['_id'])).toEqual([30]);
    });
  });
}
