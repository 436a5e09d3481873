/**
 * Local only, emulator in a worker thread: accounting, strict-mode quotas, durability and the
 * `@wix/data` shim. The worker's clock runs in real time (`clock` option), so the tests of
 * local-strict.ts that move a manual clock (the sliding window) or inject request time
 * (`requestDelayMs`, a function) have no counterpart here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataEmulator } from '../../../local/data';
import { createRemoteDataEmulator } from '../../../local/data/remote';
import { installRuntime, uninstallRuntime } from '../../../local/runtime';
import { items as shimItems } from '../../../local/wix/data';
import { codeOf, EVERY_REQUEST_STATS, oneOfEveryRequest } from './fixtures';

export function defineWorkerStrictSuite(): void {
  describe('accounting (worker thread)', () => {
    test('every request counts one read or write per collection; resetStats clears', async () => {
      const em = await createRemoteDataEmulator({ dataDir: null, collections: [{ id: 'A', indexes: [] }, { id: 'B', indexes: [] }] });
      try {
        await oneOfEveryRequest(em.items);
        expect(await em.stats()).toEqual(EVERY_REQUEST_STATS);
        await em.resetStats();
        expect(await em.stats()).toEqual({ reads: 0, writes: 0, byCollection: {} });
      } finally {
        await em.close();
      }
    });
  });

  describe('strict mode (worker thread)', () => {
    const clock = { anchorMs: Date.UTC(2025, 0, 1), wallStartMs: Date.now() };

    test('a small read quota trips WDE0014', async () => {
      const em = await createRemoteDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, clock, quotas: { readsPerMinute: 3, writesPerMinute: 2 } });
      try {
        for (let i = 0; i < 3; i += 1) await em.items.get('S', 'x');
        expect(await codeOf(em.items.get('S', 'x'))).toBe('WDE0014');
        expect(await codeOf(em.items.query('S').find())).toBe('WDE0014');
        expect((await em.stats()).reads).toBe(3);
        expect((await em.stats()).peakPerMinute).toEqual({ reads: 3, writes: 0 });
      } finally {
        await em.close();
      }
    });
    test('a small write quota trips WDE0014; a bulk call is one write', async () => {
      const em = await createRemoteDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, clock, quotas: { readsPerMinute: 3, writesPerMinute: 2 } });
      try {
        await em.items.bulkInsert('S', Array.from({ length: 500 }, () => ({})));
        await em.items.insert('S', {});
        expect(await codeOf(em.items.insert('S', {}))).toBe('WDE0014');
      } finally {
        await em.close();
      }
    });
    test('the default quota allows 3000 reads a minute and rejects the 3001st', async () => {
      const em = await createRemoteDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], strict: true, clock });
      try {
        await Promise.all(Array.from({ length: 3000 }, () => em.items.get('S', 'x')));
        expect(await codeOf(em.items.get('S', 'x'))).toBe('WDE0014');
        expect((await em.stats()).reads).toBe(3000);
      } finally {
        await em.close();
      }
    });
    test('system dates come from the worker clock', async () => {
      const em = await createRemoteDataEmulator({ dataDir: null, collections: [{ id: 'S', indexes: [] }], clock });
      try {
        const saved = await em.items.insert('S', {});
        const at = (saved['_createdDate'] as Date).getTime();
        expect(at).toBeGreaterThanOrEqual(clock.anchorMs);
        expect(at).toBeLessThan(clock.anchorMs + (Date.now() - clock.wallStartMs) + 1000);
      } finally {
        await em.close();
      }
    });
  });

  describe('durable store and the @wix/data shim (worker thread)', () => {
    test('on-disk mode keeps items across reopen, in a worker and in process', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wixdata-worker-'));
      try {
        const first = await createRemoteDataEmulator({ dataDir: dir, collections: [{ id: 'D', indexes: [['k']] }] });
        await first.items.insert('D', { _id: 'd1', k: ['a', 'b'], at: new Date('2024-01-02T03:04:05Z') });
        await first.close();
        const second = await createRemoteDataEmulator({ dataDir: dir, collections: [{ id: 'D', indexes: [['k']] }] });
        expect((await second.items.get('D', 'd1'))?.['at']).toEqual(new Date('2024-01-02T03:04:05Z'));
        expect(await second.items.query('D').eq('k', 'b').count()).toBe(1);
        await second.items.insert('D', { _id: 'd2' });
        await second.close();
        const inProcess = createDataEmulator({ dataDir: dir, collections: [{ id: 'D', indexes: [['k']] }] });
        expect(await inProcess.items.query('D').count()).toBe(2);
        inProcess.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    test('local/wix/data.ts delegates to runtime().dataItems = the worker emulator items', async () => {
      const em = await createRemoteDataEmulator({ dataDir: null, collections: [] });
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
        expect((await em.stats()).byCollection['Shim']).toEqual({ reads: 1, writes: 1 });
      } finally {
        uninstallRuntime();
        await em.close();
      }
    });
  });
}
