/** Local only: data hooks (`<Collection>_<hook>`) and permissions against the current call. */
import { createDataEmulator, type LocalDataEmulator } from '../../../local/data';
import { definePermissionSuite } from './permissions';

type Ctx = { collectionName: string; userId: string | null; userRole: string; currentItem?: Record<string, unknown> };

export function defineLocalHookSuite(): void {
  describe('hooks (local only)', () => {
    let em: LocalDataEmulator;
    const log: string[] = [];
    beforeEach(() => {
      log.length = 0;
      em = createDataEmulator({ dataDir: null, collections: [{ id: 'H', indexes: [] }] });
      em.setHooks({
        H_beforeInsert: (item: Record<string, unknown>, ctx: Ctx) => {
          log.push(`beforeInsert:${ctx.collectionName}:${ctx.userRole}`);
          if (item['reject']) return Promise.reject(new Error('blocked by hook'));
          return { ...item, stamped: true };
        },
        H_afterInsert: (item: Record<string, unknown>) => ({ ...item, seenAfter: true }),
        H_beforeUpdate: (item: Record<string, unknown>, ctx: Ctx) => {
          log.push(`beforeUpdate:current=${String(ctx.currentItem?.['v'])}`);
          return item;
        },
        H_afterUpdate: () => 'not an object: ignored',
        H_beforeRemove: (id: string, ctx: Ctx) => {
          log.push(`beforeRemove:${id}:${String(ctx.currentItem?.['v'])}`);
          return id;
        },
        H_afterRemove: (item: Record<string, unknown>) => {
          log.push(`afterRemove:${String(item['_id'])}`);
        },
        H_beforeGet: (id: string) => (id === 'alias' ? 'real' : id),
        H_afterGet: (item: Record<string, unknown>) => ({ ...item, decorated: 1 }),
        H_beforeQuery: (query: { ne(f: string, v: unknown): unknown }) => query.ne('hidden', true),
        H_afterQuery: (item: Record<string, unknown>) => ({ ...item, viaQuery: true }),
        H_beforeCount: (query: { ne(f: string, v: unknown): unknown }) => query.ne('hidden', true),
        H_afterCount: (n: number) => n * 100,
        H_onFailure: (err: Error) => {
          log.push(`onFailure:${err.message}`);
        },
      });
    });
    afterEach(() => em.close());

    test('before* return value replaces the item; after* return value replaces the result', async () => {
      const input = { _id: 'real', v: 1 };
      const saved = await em.items.insert('H', input);
      expect(saved['seenAfter']).toBe(true);
      expect((await em.items.get('H', 'real', { suppressHooks: true }))?.['stamped']).toBe(true);
      expect(input).toEqual({ _id: 'real', v: 1 });
      expect(log[0]).toBe('beforeInsert:H:anonymous');
    });
    test('a rejected before* hook blocks the operation and calls onFailure', async () => {
      await expect(em.items.insert('H', { _id: 'no', reject: true })).rejects.toThrow('blocked by hook');
      expect(await em.items.get('H', 'no')).toBeNull();
      expect(log).toContain('onFailure:blocked by hook');
    });
    test('update hooks get currentItem; a wrong-type return value is ignored', async () => {
      await em.items.insert('H', { _id: 'u', v: 1 });
      const updated = await em.items.update('H', { _id: 'u', v: 2 });
      expect(updated['v']).toBe(2);
      expect(log).toContain('beforeUpdate:current=1');
    });
    test('remove hooks', async () => {
      await em.items.insert('H', { _id: 'r', v: 7 });
      await em.items.remove('H', 'r');
      expect(log).toEqual(expect.arrayContaining(['beforeRemove:r:7', 'afterRemove:r']));
    });
    test('get hooks can redirect the id and decorate the item', async () => {
      await em.items.insert('H', { _id: 'real', v: 1 });
      const got = await em.items.get('H', 'alias');
      expect(got?.['_id']).toBe('real');
      expect(got?.['decorated']).toBe(1);
    });
    test('query and count hooks', async () => {
      await em.items.bulkInsert('H', [{ _id: 'q1' }, { _id: 'q2', hidden: true }], { suppressHooks: true });
      const r = await em.items.query('H').find();
      expect(r.items.map((i) => i['_id'])).toEqual(['q1']);
      expect(r.items[0]?.['viaQuery']).toBe(true);
      expect(await em.items.query('H').count()).toBe(100);
    });
    test('bulk calls fire per-item hooks; suppressHooks skips them; truncate fires none', async () => {
      await em.items.bulkInsert('H', [{ _id: 'b1' }, { _id: 'b2' }, { _id: 'b3', reject: true }]);
      expect(log.filter((l) => l.startsWith('beforeInsert'))).toHaveLength(3);
      expect((await em.items.get('H', 'b1', { suppressHooks: true }))?.['stamped']).toBe(true);
      expect(await em.items.get('H', 'b3', { suppressHooks: true })).toBeNull();
      log.length = 0;
      await em.items.insert('H', { _id: 's' }, { suppressHooks: true });
      await em.items.truncate('H');
      expect(log).toEqual([]);
    });
    test("hooks' own data calls are counted", async () => {
      em.setHooks({ H_beforeInsert: async (item: Record<string, unknown>) => ((await em.items.query('H').count()) >= 0 ? item : item) });
      em.resetStats();
      await em.items.insert('H', { v: 1 });
      expect(em.stats().byCollection['H']).toEqual({ reads: 1, writes: 1 });
    });
  });

  definePermissionSuite('permissions (local only)', async (collections) => createDataEmulator({ dataDir: null, collections }));
}
