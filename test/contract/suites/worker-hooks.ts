/**
 * Local only, emulator in a worker thread: data hooks loaded in the worker from a module
 * (`hooksModule`), and permissions against the calling thread's current call.
 */
import { join } from 'node:path';
import { createRemoteDataEmulator, type RemoteDataEmulator } from '../../../local/data/remote';
import { definePermissionSuite } from './permissions';
import { HOOK_LOG } from './worker-hooks-module';

export function defineWorkerHookSuite(): void {
  describe('hooks from hooksModule (worker thread)', () => {
    let em: RemoteDataEmulator;
    const log = async (): Promise<string[]> => (await em.items.query(HOOK_LOG).limit(1000).find()).items.map((i) => String(i['line']));
    beforeAll(async () => {
      em = await createRemoteDataEmulator({
        dataDir: null,
        collections: [{ id: 'H', indexes: [] }, { id: 'HC', indexes: [] }, { id: HOOK_LOG, indexes: [] }],
        hooksModule: join(__dirname, 'worker-hooks-module.ts'),
      });
    });
    beforeEach(async () => {
      for (const c of ['H', 'HC', HOOK_LOG]) await em.items.truncate(c);
    });
    afterAll(() => em.close());

    test('before* return value replaces the item; after* return value replaces the result', async () => {
      const input = { _id: 'real', v: 1 };
      const saved = await em.items.insert('H', input);
      expect(saved['seenAfter']).toBe(true);
      expect((await em.items.get('H', 'real', { suppressHooks: true }))?.['stamped']).toBe(true);
      expect(input).toEqual({ _id: 'real', v: 1 });
      expect((await log())[0]).toBe('beforeInsert:H:anonymous');
    });
    test('a rejected before* hook blocks the operation and calls onFailure', async () => {
      await expect(em.items.insert('H', { _id: 'no', reject: true })).rejects.toThrow('blocked by hook');
      expect(await em.items.get('H', 'no')).toBeNull();
      expect(await log()).toContain('onFailure:blocked by hook');
    });
    test('update hooks get currentItem; a wrong-type return value is ignored', async () => {
      await em.items.insert('H', { _id: 'u', v: 1 });
      const updated = await em.items.update('H', { _id: 'u', v: 2 });
      expect(updated['v']).toBe(2);
      expect(await log()).toContain('beforeUpdate:current=1');
    });
    test('remove hooks', async () => {
      await em.items.insert('H', { _id: 'r', v: 7 });
      await em.items.remove('H', 'r');
      expect(await log()).toEqual(expect.arrayContaining(['beforeRemove:r:7', 'afterRemove:r']));
    });
    test('get hooks can redirect the id and decorate the item', async () => {
      await em.items.insert('H', { _id: 'real', v: 1 });
      const got = await em.items.get('H', 'alias');
      expect(got?.['_id']).toBe('real');
      expect(got?.['decorated']).toBe(1);
    });
    test('query and count hooks (beforeQuery gets the replayed builder)', async () => {
      await em.items.bulkInsert('H', [{ _id: 'q1' }, { _id: 'q2', hidden: true }], { suppressHooks: true });
      const r = await em.items.query('H').find();
      expect(r.items.map((i) => i['_id'])).toEqual(['q1']);
      expect(r.items[0]?.['viaQuery']).toBe(true);
      expect(await em.items.query('H').count()).toBe(100);
    });
    test('bulk calls fire per-item hooks; suppressHooks skips them; truncate fires none', async () => {
      await em.items.bulkInsert('H', [{ _id: 'b1' }, { _id: 'b2' }, { _id: 'b3', reject: true }]);
      expect((await log()).filter((l) => l.startsWith('beforeInsert'))).toHaveLength(3);
      expect((await em.items.get('H', 'b1', { suppressHooks: true }))?.['stamped']).toBe(true);
      expect(await em.items.get('H', 'b3', { suppressHooks: true })).toBeNull();
      await em.items.truncate(HOOK_LOG);
      await em.items.insert('H', { _id: 's' }, { suppressHooks: true });
      await em.items.truncate('H');
      expect(await log()).toEqual([]);
    });
    test("hooks' own data calls are counted", async () => {
      await em.resetStats();
      await em.items.insert('HC', { v: 1 });
      expect((await em.stats()).byCollection['HC']).toEqual({ reads: 1, writes: 1 });
    });
  });

  definePermissionSuite('permissions (worker thread)', (collections) => createRemoteDataEmulator({ dataDir: null, collections }));
}
