/**
 * The data emulator in a worker thread (local/data/remote): errors, values, call context, paging,
 * ordering and shutdown, checked against the in-process emulator where both should agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createDataEmulator, WixDataError, type EmulatedCollectionConfig, type LocalDataEmulator } from '../../local/data';
import { WixDataBulkItemError } from '../../local/data/errors';
import { createRemoteDataEmulator, type RemoteDataEmulator } from '../../local/data/remote';
import { runInCall, type CallContext } from '../../local/runtime';
import { auth } from '../../local/wix/essentials';

const COLLECTIONS: readonly EmulatedCollectionConfig[] = [
  { id: 'T', indexes: [['n']] },
  { id: 'AdminOnly', indexes: [], permissions: { read: 'Admin', insert: 'Admin', update: 'Admin', remove: 'Admin' } },
  { id: 'HE', indexes: [] },
];
const HOOKS = join(__dirname, '..', 'contract', 'suites', 'worker-hooks-module.ts');
const ANONYMOUS: CallContext = { identity: { memberId: null, roles: [] }, elevated: false, kind: 'webMethod', deadline: null };
const ADMIN_JOB: CallContext = { identity: { memberId: null, roles: ['Admin'] }, elevated: true, kind: 'job', deadline: null };

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
    throw new Error(`rejected with a non-Error: ${String(e)}`);
  }
  throw new Error('expected a rejection');
}

describe('data emulator in a worker thread', () => {
  let remote: RemoteDataEmulator;
  let local: LocalDataEmulator;
  beforeAll(async () => {
    remote = await createRemoteDataEmulator({ dataDir: null, strictCollections: true, collections: COLLECTIONS, hooksModule: HOOKS });
    local = createDataEmulator({ dataDir: null, strictCollections: true, collections: COLLECTIONS });
  });
  afterAll(async () => {
    await remote.close();
    local.close();
  });
  beforeEach(async () => {
    await runInCall(ADMIN_JOB, async () => {
      for (const c of COLLECTIONS) {
        await remote.items.truncate(c.id);
        await local.items.truncate(c.id);
      }
    });
  });

  test('a thread does not tell its CPU time apart from its process: none is reported', async () => {
    expect(await remote.cpuMicros()).toBeNull();
  });

  describe('errors', () => {
    test('a WixDataError crosses with its class, code and exact message', async () => {
      const cases = (items: LocalDataEmulator['items']): Promise<unknown>[] => [
        items.update('T', { _id: 'ghost' }),
        items.query('Nope').find(),
        items.query('T').limit(-1).skip(0.5).find(),
        items.aggregate('T').limit(5000).run(),
        items.bulkInsert('T', []),
      ];
      const got = await Promise.all(cases(remote.items).map(rejection));
      const want = await Promise.all(cases(local.items).map(rejection));
      for (const [i, e] of got.entries()) {
        expect(e).toBeInstanceOf(WixDataError);
        expect(e.name).toBe('WixDataError');
        expect((e as WixDataError).code).toBe((want[i] as WixDataError).code);
        expect(e.message).toBe(want[i]?.message);
      }
    });
    test('per-item errors of bulk results are WixDataBulkItemErrors with code, index and item', async () => {
      await remote.items.insert('T', { _id: 'x1' });
      const r = await remote.items.bulkUpdate('T', [{ _id: 'x1', v: 1 }, { _id: 'ghost', v: 2, at: new Date(5) }]);
      expect(r.updated).toBe(1);
      expect(r.errors).toHaveLength(1);
      const e = r.errors[0];
      expect(e).toBeInstanceOf(WixDataBulkItemError);
      expect(e).toBeInstanceOf(WixDataError);
      expect(e?.name).toBe('BulkError');
      expect(e?.code).toBe('WDE0073');
      expect(e?.message).toBe('WDE0073: Item [ghost] does not exist in collection [T].');
      expect(e?.originalIndex).toBe(1);
      expect(e?.item).toEqual({ _id: 'ghost', v: 2, at: new Date(5) });
    });
    test('other errors keep their message, name, built-in class and own fields', async () => {
      const typeError = await rejection(remote.items.get('T', 'x', null as unknown as undefined));
      const localTypeError = await rejection(local.items.get('T', 'x', null as unknown as undefined));
      expect(typeError).toBeInstanceOf(TypeError);
      expect(typeError).not.toBeInstanceOf(WixDataError);
      expect(typeError.message).toBe(localTypeError.message);
      const range = await rejection(remote.items.insert('HE', { a: 1 }));
      expect(range).toBeInstanceOf(RangeError);
      expect(range.message).toBe('hook says no');
      expect((range as RangeError & { detail?: unknown }).detail).toBe(42);
      await remote.items.insert('HE', { _id: 'e1' }, { suppressHooks: true });
      const custom = await rejection(remote.items.update('HE', { _id: 'e1', b: 2 }));
      expect(custom.name).toBe('HookFailure');
      expect(custom.message).toBe('custom failure');
    });
    test('arguments that cannot be cloned reject the call', async () => {
      await expect(remote.items.insert('T', { f: () => 1 })).rejects.toThrow(/could not be cloned/);
    });
  });

  describe('values', () => {
    test('Dates round-trip as Dates, also nested and as filter operands', async () => {
      const when = new Date('2024-05-01T12:00:00.123Z');
      const saved = await remote.items.insert('T', { _id: 'd', when, nested: { list: [when, { at: when }] } });
      expect(saved['when']).toBeInstanceOf(Date);
      expect(saved['_createdDate']).toBeInstanceOf(Date);
      const got = await remote.items.get('T', 'd');
      expect(got?.['when']).toEqual(when);
      expect(got?.['nested']).toEqual({ list: [when, { at: when }] });
      expect(((got?.['nested'] as { list: unknown[] }).list[0] as Date).getTime()).toBe(when.getTime());
      expect(await remote.items.query('T').eq('when', new Date(when.getTime())).count()).toBe(1);
      expect(await remote.items.query('T').gt('when', new Date(when.getTime() + 1)).count()).toBe(0);
    });
    test('undefined properties and missing keys come back as the emulator returns them', async () => {
      const item = { _id: 'u', a: undefined, b: null, c: 1 };
      const [r, l] = [await remote.items.insert('T', { ...item }), await local.items.insert('T', { ...item })];
      expect(Object.keys(r).sort()).toEqual(Object.keys(l).sort());
      expect('a' in r).toBe('a' in l);
      const [rg, lg] = [await remote.items.get('T', 'u'), await local.items.get('T', 'u')];
      expect(Object.keys(rg ?? {}).sort()).toEqual(Object.keys(lg ?? {}).sort());
      const [rp, lp] = [await remote.items.query('T').fields('a', 'c').find(), await local.items.query('T').fields('a', 'c').find()];
      expect(rp.items).toStrictEqual(lp.items);
    });
  });

  describe('call context', () => {
    test('a builder created elevated runs elevated; one created anonymously is refused', async () => {
      await runInCall(ADMIN_JOB, () => remote.items.insert('AdminOnly', { _id: 'secret', a: 1 }));
      const refused = await rejection(runInCall(ANONYMOUS, () => remote.items.query('AdminOnly').find()));
      expect((refused as WixDataError).code).toBe('WDE0027');
      const elevatedQuery = runInCall(ANONYMOUS, () => auth.elevate(remote.items.query)('AdminOnly'));
      const found = await runInCall(ANONYMOUS, () => elevatedQuery.eq('a', 1).find());
      expect(found.items.map((i) => i['_id'])).toEqual(['secret']);
      // Created anonymously, run in an elevated call: the current call's elevation wins.
      const plain = runInCall(ANONYMOUS, () => remote.items.query('AdminOnly'));
      expect((await runInCall(ADMIN_JOB, () => plain.find())).length).toBe(1);
      const patch = runInCall(ANONYMOUS, () => auth.elevate(remote.items.patch)('AdminOnly', 'secret'));
      patch.setField('b', 2);
      patch.incrementField('a', 1);
      expect(await runInCall(ANONYMOUS, () => patch.run())).toMatchObject({ a: 2, b: 2 });
      expect((await rejection(runInCall(ANONYMOUS, () => remote.items.patch('AdminOnly', 'secret').setField('b', 3).run())) as WixDataError).code).toBe('WDE0027');
    });
    test('direct functions use the current call', async () => {
      expect((await rejection(runInCall(ANONYMOUS, () => remote.items.insert('AdminOnly', { a: 1 }))) as WixDataError).code).toBe('WDE0027');
      await expect(runInCall(ANONYMOUS, () => auth.elevate(remote.items.insert)('AdminOnly', { a: 1 }))).resolves.toMatchObject({ a: 1 });
    });
  });

  describe('builders and paging', () => {
    beforeEach(async () => {
      await remote.items.bulkInsert('T', Array.from({ length: 120 }, (_, i) => ({ _id: `p${String(i).padStart(3, '0')}`, n: i, g: i % 3 })));
    });

    test('next() and prev() walk the pages of a query', async () => {
      const p1 = await remote.items.query('T').ascending('n').limit(50).find({ returnTotalCount: true });
      expect([p1.length, p1.totalCount, p1.totalPages, p1.pageSize, p1.currentPage, p1.hasNext(), p1.hasPrev()]).toEqual([50, 120, 3, 50, 0, true, false]);
      const p2 = await p1.next();
      expect(p2.items[0]?.['n']).toBe(50);
      expect(p2.currentPage).toBe(1);
      const p3 = await p2.next();
      expect([p3.length, p3.hasNext(), p3.hasPrev()]).toEqual([20, false, true]);
      expect((await rejection(p3.next())) as WixDataError).toMatchObject({ code: 'WDE0165' });
      expect((await p3.prev()).items[0]?.['n']).toBe(50);
      expect((await p1.next()).items[0]?.['n']).toBe(50);
    });
    test('aggregate pages and filter operands are replayed', async () => {
      const f = remote.items.filter();
      const r = await remote.items.aggregate('T').filter(f.lt('n', 30)).group('g').count().sum('n').having(f.gt('count', 0)).ascending('g').limit(2).run();
      expect(r.items.map((i) => [i['_id'], i['count']])).toEqual([
        [0, 10],
        [1, 10],
      ]);
      expect((await r.next()).items.map((i) => i['_id'])).toEqual([2]);
      expect(await remote.items.query('T').lt('n', 10).or(f.eq('n', 100).or(f.eq('n', 101))).not(f.eq('n', 0)).count()).toBe(11);
      const patched = await remote.items.patch('T', 'p005').setField('x', 1).run({ condition: f.eq('n', 4) });
      expect(patched).toBeNull();
    });
    test('immutable builders fork; synchronous members answer synchronously', async () => {
      const base = remote.items.query('T').ge('n', 100);
      const low = base.lt('n', 105);
      const high = base.ge('n', 115);
      expect([await base.count(), await low.count(), await high.count()]).toEqual([20, 5, 5]);
      expect(base.pageSize).toBe(50);
      expect(base.limit(7).pageSize).toBe(7);
      expect(remote.items.query('T').eq('n', 3).explainPlan().join('\n')).toContain('USING INDEX');
    });
    test('a builder the calling side never names (bulkPatch) works as in process, per-item errors included', async () => {
      await local.items.bulkInsert('T', Array.from({ length: 3 }, (_, i) => ({ _id: `p${String(i).padStart(3, '0')}`, n: i })));
      const run = (items: LocalDataEmulator['items']) => {
        const patch = items.bulkPatch('T', ['p000', 'ghost', 'p002']);
        patch.setField('flag', true);
        return patch.incrementField('n', 10).run({ condition: items.filter().lt('n', 5) });
      };
      const [r, l] = [await run(remote.items), await run(local.items)];
      expect({ ...r, errors: [] }).toEqual({ ...l, errors: [] });
      expect(r.errors.map((e) => [e.constructor.name, e.code, e.originalIndex, e.item, e.message])).toEqual(l.errors.map((e) => [e.constructor.name, e.code, e.originalIndex, e.item, e.message]));
      expect((await remote.items.get('T', 'p002'))?.['n']).toBe(12);
    });
    test('page results held by the worker are bounded: the oldest can no longer page', async () => {
      // Every page is kept reachable: pages the caller drops are released by garbage collection, and a
      // collection during the loop would keep the worker under its bound.
      const held = [await remote.items.query('T').limit(10).find()];
      for (let i = 0; i < 2000; i += 1) held.push(await remote.items.query('T').limit(10).find());
      expect((await rejection(held[0]!.next())).message).toMatch(/no longer held/);
      expect(held.length).toBe(2001);
    });
  });

  test('requests apply in the order they were sent: a write is seen by the next read', async () => {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i += 1) writes.push(remote.items.save('T', { _id: 'o', v: i }));
    const [count, got] = await Promise.all([remote.items.query('T').eq('_id', 'o').count(), remote.items.get('T', 'o')]);
    expect(count).toBe(1);
    expect(got?.['v']).toBe(49);
    void remote.items.insert('T', { _id: 'unawaited' });
    expect(await remote.items.get('T', 'unawaited')).not.toBeNull();
    await Promise.all(writes);
  });
});

describe('closing the worker emulator', () => {
  test('close() finishes earlier requests, closes the store and terminates the worker', async () => {
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    const dir = mkdtempSync(join(tmpdir(), 'wixdata-remote-'));
    try {
      const em = await createRemoteDataEmulator({ dataDir: dir, collections: [{ id: 'C', indexes: [] }] });
      const write = em.items.insert('C', { _id: 'last' });
      const closed = em.close();
      await expect(write).resolves.toMatchObject({ _id: 'last' });
      await closed;
      expect(terminate).toHaveBeenCalledTimes(1);
      expect(await terminate.mock.results[0]?.value).toEqual(expect.any(Number));
      await expect(em.items.get('C', 'last')).rejects.toThrow(/closed/);
      expect(() => em.items.query('C').explainPlan()).toThrow(/closed/);
      await expect(em.close()).resolves.toBeUndefined();
      const reopened = createDataEmulator({ dataDir: dir, collections: [{ id: 'C', indexes: [] }] });
      expect(await reopened.items.get('C', 'last')).not.toBeNull();
      reopened.close();
    } finally {
      terminate.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data emulator in a child process', () => {
  test('serves the same items surface: values, errors, paging, bulkPatch; refuses synchronous members; close ends the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wixdata-process-'));
    const em = await createRemoteDataEmulator({ dataDir: dir, strictCollections: true, collections: COLLECTIONS, hooksModule: HOOKS, placement: 'process' });
    try {
      const at = new Date('2026-11-04T21:00:00Z');
      await runInCall(ADMIN_JOB, async () => {
        await em.items.bulkInsert('T', Array.from({ length: 30 }, (_, n) => ({ _id: `t${String(n).padStart(2, '0')}`, n, at, tags: ['a', n] })));
        const first = await em.items.query('T').ascending('n').limit(20).find();
        expect(first.items).toHaveLength(20);
        expect(first.items[0]?.['at']).toBeInstanceOf(Date);
        expect((first.items[0]?.['at'] as Date).getTime()).toBe(at.getTime());
        const second = await first.next();
        expect(second.items.map((i) => i['n'])).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
        const patched = await em.items.bulkPatch('T', ['t01', 'nope']).setField('label', 'x').run();
        expect(patched).toMatchObject({ updated: 1 });
        expect(patched.errors[0]).toBeInstanceOf(WixDataBulkItemError);
        const duplicate = await rejection(em.items.insert('T', { _id: 't01' }));
        expect(duplicate).toBeInstanceOf(WixDataError);
        expect((duplicate as WixDataError).code).toBe('WDE0074');
      });
      expect(() => em.items.query('T').explainPlan()).toThrow(/thread, not in a process/);
      expect((await em.stats()).writes).toBeGreaterThanOrEqual(2);
      // The data process's own CPU time: it grows with the work it serves.
      const cpuBefore = await em.cpuMicros();
      await runInCall(ADMIN_JOB, () => em.items.bulkInsert('T', Array.from({ length: 1000 }, (_, n) => ({ _id: `cpu${n}`, n, blob: 'x'.repeat(500) }))));
      const cpuAfter = await em.cpuMicros();
      expect(cpuBefore).toBeGreaterThan(0);
      expect(cpuAfter).toBeGreaterThan(cpuBefore ?? Number.POSITIVE_INFINITY);
    } finally {
      await em.close();
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(em.items.get('T', 't01')).rejects.toThrow(/closed/);
  });
});
