/** Contract: query operators, sorting, paging, count, distinct, options (both targets). */
import type { ContractTarget } from '../target';
import { codeOf, ids, orderedIds, seedPeople } from './fixtures';

export function defineQuerySuite(target: () => ContractTarget): void {
  const q = () => target().items.query(target().collection);
  const f = () => target().items.filter();

  describe('query operators', () => {
    beforeAll(async () => seedPeople(target()));

    test('eq is case-sensitive', async () => {
      expect(ids(await q().eq('city', 'Austin').find())).toEqual(['a']);
      expect(ids(await q().eq('name', 'alice').find())).toEqual([]);
    });
    test('eq is type-strict: number 5 and string "5" differ', async () => {
      expect(ids(await q().eq('score', 5).find())).toEqual(['a']);
      expect(ids(await q().eq('score', '5').find())).toEqual(['b']);
    });
    test('Date and ISO string are distinct; Dates compare by instant', async () => {
      expect(ids(await q().eq('joined', new Date('2020-01-01T00:00:00Z')).find())).toEqual(['a']);
      expect(ids(await q().eq('joined', '2020-01-01T00:00:00.000Z').find())).toEqual([]);
      expect(ids(await q().gt('joined', new Date('2020-06-01T00:00:00Z')).find())).toEqual(['b']);
    });
    test('eq on an array field matches any element; ne matches when no element equals', async () => {
      expect(ids(await q().eq('tags', 'x').find())).toEqual(['a', 'd']);
      expect(ids(await q().ne('tags', 'x').find())).toEqual(['b', 'c', 'e', 'f']);
    });
    test('ne on a scalar includes null and missing values', async () => {
      expect(ids(await q().ne('city', 'Austin').find())).toEqual(['b', 'c', 'd', 'e', 'f']);
    });
    test('gt / ge on numbers', async () => {
      expect(ids(await q().gt('age', 30).find())).toEqual(['c', 'd']);
      expect(ids(await q().ge('age', 30).find())).toEqual(['a', 'c', 'd', 'f']);
    });
    test('lt / le: items without a value rank lowest', async () => {
      expect(ids(await q().lt('age', 30).find())).toEqual(['b', 'e']);
      expect(ids(await q().le('age', 25).find())).toEqual(['b', 'e']);
    });
    test('strings compare lexicographically ("bob" > "Alice", uppercase first)', async () => {
      expect(ids(await q().gt('name', 'Z').find())).toEqual(['b', 'd']);
      expect(ids(await q().lt('name', 'C').isNotEmpty('name').find())).toEqual(['a']);
    });
    test('between is start-inclusive, end-exclusive', async () => {
      expect(ids(await q().between('age', 25, 35).find())).toEqual(['a', 'b', 'f']);
      expect(ids(await q().between('joined', new Date('2020-01-01T00:00:00Z'), new Date('2021-06-01T00:00:00Z')).find())).toEqual(['a']);
    });
    test('contains / startsWith / endsWith are case-insensitive', async () => {
      expect(ids(await q().contains('city', 'AUST').find())).toEqual(['a', 'f']);
      expect(ids(await q().startsWith('name', 'AL').find())).toEqual(['a']);
      expect(ids(await q().endsWith('city', 'TON').find())).toEqual(['b']);
    });
    test('hasSome / hasAll (case-sensitive; array and varargs forms)', async () => {
      expect(ids(await q().hasSome('tags', ['x', 'z']).find())).toEqual(['a', 'd']);
      expect(ids(await q().hasSome('tags', 'y').find())).toEqual(['a', 'b']);
      expect(ids(await q().hasAll('tags', ['x', 'y']).find())).toEqual(['a']);
      expect(ids(await q().hasSome('city', ['Austin', 'Chicago']).find())).toEqual(['a', 'c']);
    });
    test('isEmpty matches null and missing; isNotEmpty matches anything else, including ""', async () => {
      expect(ids(await q().isEmpty('city').find())).toEqual(['d', 'e']);
      expect(ids(await q().isNotEmpty('note').find())).toEqual(['c']);
      expect(ids(await q().isEmpty('note').find())).toEqual(['a', 'b', 'd', 'e', 'f']);
    });
    test('dotted paths reach nested objects', async () => {
      expect(ids(await q().eq('nested.level', 2).find())).toEqual(['b']);
      expect(ids(await q().gt('nested.level', 1).find())).toEqual(['b', 'c']);
    });
    test('booleans', async () => {
      expect(ids(await q().eq('flag', true).find())).toEqual(['a']);
      expect(ids(await q().eq('flag', false).find())).toEqual(['b']);
    });
    test('chained conditions are ANDed', async () => {
      expect(ids(await q().ge('age', 30).contains('city', 'a').find())).toEqual(['a', 'c', 'f']);
    });
    test('or / and / not with filters', async () => {
      expect(ids(await q().eq('name', 'bob').or(f().eq('city', 'Austin')).find())).toEqual(['a', 'b']);
      expect(ids(await q().ge('age', 30).and(f().lt('age', 40)).find())).toEqual(['a', 'c', 'f']);
      expect(ids(await q().not(f().eq('age', 30)).find())).toEqual(['b', 'c', 'd', 'e']);
      expect(ids(await q().or(f().eq('age', 25).or(f().eq('age', 40))).find())).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(ids(await q().eq('age', 25).or(f().eq('age', 40).and(f().eq('name', 'dave'))).find())).toEqual(['b', 'd']);
    });
    test('and/or/not with a query of another collection → WDE0050', async () => {
      const other = target().items.query(`${target().collection}Other`);
      expect(await codeOf(q().and(other).find())).toBe('WDE0050');
      expect(await codeOf(q().or(other).find())).toBe('WDE0050');
      expect(await codeOf(q().not(other).find())).toBe('WDE0050');
    });
    test('ascending: missing values first; ties broken by the next field', async () => {
      expect(orderedIds(await q().ascending('age', 'name').find())).toEqual(['e', 'b', 'a', 'f', 'c', 'd']);
    });
    test('descending: missing values last', async () => {
      expect(orderedIds(await q().descending('age').ascending('name').find())).toEqual(['d', 'c', 'a', 'f', 'b', 'e']);
    });
    test('sort on strings and dates', async () => {
      expect(orderedIds(await q().ascending('name').find())).toEqual(['a', 'c', 'e', 'f', 'b', 'd']);
      expect(orderedIds(await q().isNotEmpty('joined').descending('joined').find())).toEqual(['b', 'a']);
    });
    test('fields() returns the listed fields plus _id', async () => {
      const r = await q().eq('_id', 'a').fields('name').find();
      expect(r.items).toEqual([{ _id: 'a', name: 'Alice' }]);
    });
    test('Dates round-trip as Date objects', async () => {
      const r = await q().eq('_id', 'a').find();
      expect(r.items[0]?.['joined']).toBeInstanceOf(Date);
      expect(r.items[0]?.['_createdDate']).toBeInstanceOf(Date);
    });
    test('count', async () => {
      expect(await q().count()).toBe(6);
      expect(await q().eq('city', 'Austin').count()).toBe(1);
      expect(await q().contains('city', 'a').count()).toBe(3);
    });
    test('distinct returns each value once', async () => {
      const r = await q().distinct('city');
      expect([...r.items].map(String).sort()).toEqual(['AUSTIN', 'Austin', 'Chicago', 'boston']);
    });
    test('find({returnTotalCount}) gives totalCount and totalPages', async () => {
      const r = await q().limit(4).find({ returnTotalCount: true });
      expect(r.totalCount).toBe(6);
      expect(r.totalPages).toBe(2);
      expect(r.pageSize).toBe(4);
      expect(r.currentPage).toBe(0);
    });
    test('unknown collection → WDE0025', async () => {
      expect(await codeOf(target().items.query(target().missingCollection).find())).toBe('WDE0025');
    });
  });

  describe('paging and limits', () => {
    beforeAll(async () => {
      await target().clear();
      const rows = Array.from({ length: 120 }, (_, i) => ({ _id: `p${String(i).padStart(3, '0')}`, n: i }));
      await target().items.bulkInsert(target().collection, rows);
    });

    test('default limit is 50; hasNext/next/hasPrev/prev walk the pages', async () => {
      const p1 = await q().ascending('n').find();
      expect(p1.length).toBe(50);
      expect(p1.pageSize).toBe(50);
      expect(p1.hasNext()).toBe(true);
      expect(p1.hasPrev()).toBe(false);
      const p2 = await p1.next();
      expect(p2.items[0]?.['n']).toBe(50);
      expect(p2.currentPage).toBe(1);
      const p3 = await p2.next();
      expect(p3.length).toBe(20);
      expect(p3.hasNext()).toBe(false);
      expect(p3.hasPrev()).toBe(true);
      const back = await p3.prev();
      expect(back.items[0]?.['n']).toBe(50);
    });
    test('skip and limit', async () => {
      const r = await q().ascending('n').skip(10).limit(5).find();
      expect(r.items.map((i) => i['n'])).toEqual([10, 11, 12, 13, 14]);
    });
    test('limit(1000) is allowed', async () => {
      expect((await q().limit(1000).find()).length).toBe(120);
    });
    test('limit above 1000 → WDE0077', async () => {
      expect(await codeOf(q().limit(1001).find())).toBe('WDE0077');
    });
    test('non-positive limit → WDE0033; non-integer limit → WDE0035; negative skip → WDE0034', async () => {
      expect(await codeOf(q().limit(0).find())).toBe('WDE0033');
      expect(await codeOf(q().limit(-5).find())).toBe('WDE0033');
      expect(await codeOf(q().limit(2.5).find())).toBe('WDE0035');
      expect(await codeOf(q().skip(-1).find())).toBe('WDE0034');
    });
  });
}
