/**
 * Grouped count/sum aggregates run as one GROUP BY statement (local/data/store.ts groupTotals) and
 * give exactly the rows the item-by-item evaluation gives: same groups (missing = null, integer =
 * real, booleans and strings apart), same order (first item of each group), same counts and sums.
 */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { encode } from '../../local/data/values';
import { mulberry32 } from '../../local/prng';

type Row = Record<string, unknown>;

const VALUES: readonly unknown[] = ['a', 'b', '1', 1, 1.0, 2.5, 0, true, false, null, undefined];

/** The reference: the semantics the emulator's scan path implements (groups in first-seen order). */
function reference(items: readonly Row[], groups: readonly string[], sums: readonly string[]): Row[] {
  const out = new Map<string, { key: unknown[]; n: number; sums: number[] }>();
  for (const item of items) {
    const key = groups.map((g) => item[g] ?? null);
    const k = encode(key);
    const entry = out.get(k) ?? { key, n: 0, sums: sums.map(() => 0) };
    entry.n += 1;
    sums.forEach((f, i) => {
      const v = item[f];
      if (typeof v === 'number') entry.sums[i] = (entry.sums[i] ?? 0) + v;
    });
    out.set(k, entry);
  }
  return [...out.values()].map((e) => {
    const row: Row = { _id: groups.length === 1 ? e.key[0] : Object.fromEntries(groups.map((g, i) => [g, e.key[i]])) };
    groups.forEach((g, i) => (row[g] = e.key[i]));
    row['n'] = e.n;
    sums.forEach((f, i) => (row[`${f}Sum`] = e.sums[i]));
    return row;
  });
}

function close(actual: readonly Row[], expected: readonly Row[]): void {
  expect(actual.map((r) => ({ ...r, amountSum: undefined }))).toEqual(expected.map((r) => ({ ...r, amountSum: undefined })));
  actual.forEach((r, i) => expect(Number(r['amountSum'] ?? 0)).toBeCloseTo(Number(expected[i]?.['amountSum'] ?? 0), 6));
}

describe('grouped aggregate totals', () => {
  let em: LocalDataEmulator;
  const items: Row[] = [];
  beforeAll(async () => {
    em = createDataEmulator({ dataDir: null, collections: [{ id: 'G', indexes: [['tenant', 'kind']] }] });
    const r = mulberry32(11);
    const pick = (): unknown => VALUES[Math.floor(r() * VALUES.length)];
    for (let i = 0; i < 2000; i += 1) {
      const item: Row = { _id: `g${i}`, tenant: i % 2 === 0 ? 't1' : 't2', kind: ['x', 'y', 'z'][i % 3] };
      const g1 = pick();
      const g2 = pick();
      if (g1 !== undefined) item['g1'] = g1;
      if (g2 !== undefined) item['g2'] = g2;
      const amount = r();
      if (amount < 0.1) item['amount'] = 'n/a';
      else if (amount < 0.2) item['amount'] = null;
      else if (amount < 0.9) item['amount'] = Math.round(amount * 10_000) / 100;
      items.push(item);
    }
    for (let i = 0; i < items.length; i += 1000) await em.items.bulkInsert('G', items.slice(i, i + 1000));
  });
  afterAll(() => em.close());

  it('one group field, no filter: the scan path\'s rows', async () => {
    const result = await em.items.aggregate('G').group('g1').count('n').sum('amount').limit(1000).run();
    close(result.items as Row[], reference(items, ['g1'], ['amount']));
  });

  it('two group fields under an indexed filter', async () => {
    const result = await em.items.aggregate('G').filter(em.items.filter().eq('tenant', 't1').hasSome('kind', ['x', 'z'])).group('g1', 'g2').count('n').sum('amount').limit(1000).run();
    const hit = items.filter((i) => i['tenant'] === 't1' && (i['kind'] === 'x' || i['kind'] === 'z'));
    close(result.items as Row[], reference(hit, ['g1', 'g2'], ['amount']));
  });

  it('a sort applies as it does to scanned rows; nothing matching gives no rows', async () => {
    const sorted = await em.items.aggregate('G').group('kind').count('n').descending('n').limit(1000).run();
    const expected = reference(items, ['kind'], []).sort((a, b) => Number(b['n']) - Number(a['n']));
    expect(sorted.items).toEqual(expected);
    expect((await em.items.aggregate('G').filter(em.items.filter().eq('tenant', 'none')).group('g1').count('n').run()).items).toEqual([]);
  });

  it('falls back to the scan when a grouped value is an object (a Date) and still agrees', async () => {
    const at = new Date('2026-01-02T03:04:05Z');
    await em.items.bulkInsert('H', [{ _id: 'h1', when: at, v: 1 }, { _id: 'h2', when: at, v: 2 }, { _id: 'h3', v: 4 }]);
    const result = await em.items.aggregate('H').group('when').count('n').sum('v').run();
    expect(result.items).toEqual([{ _id: at, when: at, n: 2, vSum: 3 }, { _id: null, when: null, n: 1, vSum: 4 }]);
  });
});
