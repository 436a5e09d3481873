/** `items.bulkPatch`: one request, one transaction, per-item hooks and condition, per-item errors. */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { runAsAdmin } from '../../local/runtime';

describe('emulator bulkPatch', () => {
  let em: LocalDataEmulator;
  const seen: string[] = [];
  beforeEach(async () => {
    seen.length = 0;
    em = createDataEmulator({
      dataDir: null,
      collections: [{ id: 'T', indexes: [['group']] }],
      hooks: {
        T_beforeUpdate: (item: Record<string, unknown>) => ({ ...item, touched: true }),
        T_afterUpdate: (item: Record<string, unknown>) => {
          seen.push(String(item['_id']));
          return item;
        },
      },
    });
    await runAsAdmin(() => em.items.bulkInsert('T', Array.from({ length: 6 }, (_, i) => ({ _id: `t${i}`, group: i % 2 === 0 ? 'even' : 'odd', n: i, keep: `k${i}` }))));
  });
  afterEach(() => em.close());

  it('applies the modifications to every listed item in one write request, running hooks per item', async () => {
    em.resetStats();
    const result = await runAsAdmin(() => em.items.bulkPatch('T', ['t0', 't1', 'missing', 't2']).setField('label', 'x').incrementField('n', 10).run());
    expect(result).toMatchObject({ updated: 3, skipped: 0, updatedItemIds: ['t0', 't1', 't2'] });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'WDE0073', originalIndex: 2 });
    expect(em.stats()).toMatchObject({ reads: 0, writes: 1 });
    const t1 = await runAsAdmin(() => em.items.get('T', 't1'));
    expect(t1).toMatchObject({ label: 'x', n: 11, keep: 'k1', touched: true });
    expect(seen).toEqual(['t0', 't1', 't2']);
  });

  it('skips items whose stored value fails the condition, and suppressHooks runs none', async () => {
    const result = await runAsAdmin(() =>
      em.items
        .bulkPatch('T', ['t0', 't1', 't2', 't3'])
        .setField('label', 'even only')
        .run({ condition: em.items.filter().eq('group', 'even'), suppressHooks: true }),
    );
    expect(result).toMatchObject({ updated: 2, skipped: 2, updatedItemIds: ['t0', 't2'] });
    expect(seen).toEqual([]);
    const all = await runAsAdmin(() => em.items.query('T').ascending('_id').find());
    expect(all.items.map((i) => i['label'] ?? null)).toEqual(['even only', null, 'even only', null, null, null]);
    expect(all.items.every((i) => i['touched'] === undefined)).toBe(true);
  });

  it('refuses more than 1000 ids and non-string ids', async () => {
    await expect(runAsAdmin(() => em.items.bulkPatch('T', Array.from({ length: 1001 }, (_, i) => `t${i}`)).setField('a', 1).run())).rejects.toMatchObject({ code: expect.any(String) });
    await expect(runAsAdmin(() => em.items.bulkPatch('T', [5 as unknown as string]).setField('a', 1).run())).rejects.toMatchObject({ code: expect.any(String) });
  });
});
