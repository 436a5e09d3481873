/** Local only: accounting, strict mode (WDE0014 quotas on a sliding minute, WDE0028 5 s limit), durability, the `@wix/data` shim. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataEmulator, type LocalDataEmulator } from '../../../local/data';
import { installRuntime, uninstallRuntime } from '../../../local/runtime';
import { items as shimItems } from '../../../local/wix/data';
import { codeOf, EVERY_REQUEST_STATS, oneOfEveryRequest } from './fixtures';

export function defineLocalStrictSuite(): void {
  describe('accounting (local only)', () => {
    test('every request counts one read or write per collection; resetStats clears', async () => {
      const em = createDataEmulator({ dataDir: null, collections: [{ id: 'A', indexes: [] }, { id: 'B', indexes: [] }] });
      await oneOfEveryRequest(em.items);
      expect(em.stats()).toEqual(EVERY_REQUEST_STATS);
      em.resetStats();
      expect(em.stats()).toEqual({ reads: 0, writes: 0, byCollection: {} });
      em.close();
    });
  });

  describe('strict mode (local only)', () => {
    let clock = 0;
    const now = (): number => clock;
    beforeEach(() => {
      clock = Date.UTC(2025, 0, 1);
    });

    test('a small read quota trips WDE0014 and the window slides', async () => {
      const em = createDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, now, quotas: { readsPerMinute: 3, writesPerMinute: 2 } });
      for (let i = 0; i < 3; i += 1) await em.items.get('S', 'x');
      expect(await codeOf(em.items.get('S', 'x'))).toBe('WDE0014');
      expect(await codeOf(em.items.query('S').find())).toBe('WDE0014');
      clock += 30_000;
      expect(await codeOf(em.items.query('S').count())).toBe('WDE0014');
      clock += 30_001;
      await expect(em.items.get('S', 'x')).resolves.toBeNull();
      expect(em.stats().reads).toBe(4);
      em.close();
    });
    test('a small write quota trips WDE0014; a bulk call is one write', async () => {
      const em = createDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, now, quotas: { readsPerMinute: 3, writesPerMinute: 2 } });
      await em.items.bulkInsert('S', Array.from({ length: 500 }, () => ({})));
      await em.items.insert('S', {});
      expect(await codeOf(em.items.insert('S', {}))).toBe('WDE0014');
      em.close();
    });
    test('the default quota allows 3000 reads a minute and rejects the 3001st', async () => {
      const em = createDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, now });
      for (let i = 0; i < 3000; i += 1) await em.items.get('S', 'x');
      expect(await codeOf(em.items.get('S', 'x'))).toBe('WDE0014');
      expect(em.stats().reads).toBe(3000);
      em.close();
    });
    test('a request running over 5 s → WDE0028 and its write is rolled back', async () => {
      let delay = 0;
      const em = createDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, now, requestDelayMs: () => delay });
      delay = 5_001;
      expect(await codeOf(em.items.insert('S', { _id: 'slow' }))).toBe('WDE0028');
      expect(await codeOf(em.items.bulkInsert('S', [{ _id: 'b1' }, { _id: 'b2' }]))).toBe('WDE0028');
      expect(await codeOf(em.items.query('S').find())).toBe('WDE0028');
      delay = 0;
      expect(await em.items.query('S').count()).toBe(0);
      em.close();
    });
    test('without strict mode nothing is limited', async () => {
      const em = createDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], now, quotas: { readsPerMinute: 1, writesPerMinute: 1 }, requestDelayMs: () => 10_000 });
      await em.items.insert('S', {});
      await em.items.insert('S', {});
      expect(await em.items.query('S').count()).toBe(2);
      em.close();
    });
  });

  describe('durable store and the @wix/data shim (local only)', () => {
    test('on-disk mode keeps items (with Dates and array knowledge) across reopen', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wixdata-'));
      try {
        const first = createDataEmulator({ dataDir: dir, collections: [{ id: 'D', indexes: [['k']] }] });
        await first.items.insert('D', { _id: 'd1', k: ['a', 'b'], at: new Date('2024-01-02T03:04:05Z') });
        first.close();
        const second = createDataEmulator({ dataDir: dir, collections: [{ id: 'D', indexes: [['k']] }] });
        const got = await second.items.get('D', 'd1');
        expect(got?.['at']).toEqual(new Date('2024-01-02T03:04:05Z'));
        expect(await second.items.query('D').eq('k', 'b').count()).toBe(1);
        second.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    test('local/wix/data.ts delegates to runtime().dataItems', async () => {
      const em: LocalDataEmulator = createDataEmulator({ dataDir: null, collections: [] });
      installRuntime({
        dataItems: em.items,
        secrets: { get: () => undefined },
        members: { get: () => undefined },
        fetch: globalThis.fetch,
        clock: { now: () => Date.now() },
      });
      try {
        await shimItems.insert('Shim', { _id: 's1', v: 1 });
        const r = await shimItems.query('Shim').eq('v', 1).find();
        expect(r.items.map((i) => i._id)).toEqual(['s1']);
        expect(em.stats().byCollection['Shim']).toEqual({ reads: 1, writes: 1 });
      } finally {
        uninstallRuntime();
        em.close();
      }
    });
  });
}
