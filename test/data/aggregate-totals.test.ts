/** Ungrouped count/sum aggregates run as one SQL statement and agree with the item-by-item evaluation. */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { mulberry32 } from '../../local/prng';

describe('aggregate totals', () => {
  let em: LocalDataEmulator;
  const items: Record<string, unknown>[] = [];
  beforeAll(async () => {
    em = createDataEmulator({ dataDir: null, collections: [{ id: 'T', indexes: [['group']] }] });
    const r = mulberry32(5);
    for (let i = 0; i < 500; i += 1) {
      const item: Record<string, unknown> = { _id: `t${i}`, group: ['a', 'b', 'c'][i % 3], flag: r() < 0.4 ? 1 : 0 };
      if (i % 7 === 0) item['amount'] = '12'; // a string is not summed
      else if (i % 11 !== 0) item['amount'] = Math.round(r() * 1000) / 10;
      items.push(item);
    }
    await em.items.bulkInsert('T', items);
  });
  afterAll(() => em.close());

  const expected = (pred: (i: Record<string, unknown>) => boolean) => {
    const hit = items.filter(pred);
    const sum = (f: string) => hit.reduce<number>((s, i) => (typeof i[f] === 'number' ? s + (i[f] as number) : s), 0);
    return { n: hit.length, flags: sum('flag'), amount: sum('amount') };
  };

  it('counts and sums numbers only, over an indexed filter', async () => {
    const result = await em.items.aggregate('T').filter(em.items.filter().eq('group', 'b')).count('n').sum('flag', 'flags').sum('amount').run();
    const e = expected((i) => i['group'] === 'b');
    expect(result.items).toHaveLength(1);
    const row = result.items[0] ?? {};
    expect(row['n']).toBe(e.n);
    expect(row['flags']).toBe(e.flags);
    expect(row['amountSum']).toBeCloseTo(e.amount, 6);
  });

  it('returns no row when nothing matches, as the grouped evaluation does', async () => {
    const result = await em.items.aggregate('T').filter(em.items.filter().eq('group', 'zzz')).count().run();
    expect(result.items).toEqual([]);
  });

  it('matches the item-by-item path (a grouped aggregate) on the same data', async () => {
    const grouped = await em.items.aggregate('T').group('group').count('n').sum('amount', 'total').ascending('group').run();
    for (const g of ['a', 'b', 'c']) {
      const totals = await em.items.aggregate('T').filter(em.items.filter().eq('group', g)).count('n').sum('amount', 'total').run();
      const row = grouped.items.find((r) => r['group'] === g) ?? {};
      expect(totals.items[0]?.['n']).toBe(row['n']);
      expect(totals.items[0]?.['total']).toBeCloseTo(Number(row['total']), 6);
    }
  });
});
