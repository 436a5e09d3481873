/**
 * Index keys kept apart from the item (local/data/keys.ts): every write keeps `keys` equal to the
 * indexed fields of `data`; a write that changes no indexed field leaves every index page alone (read
 * off the WAL); a store of the older layout (indexes over `data`) and a store whose index
 * declarations changed are brought up to date on open, order and answers kept.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import type { EmulatedCollectionConfig } from '../../local/data/types';
import { mulberry32 } from '../../local/prng';
import { runAsAdmin } from '../../local/runtime';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const THINGS: EmulatedCollectionConfig = { id: 'Things', indexes: [['carrier', 'phone'], ['when'], ['address.state'], ['flag']], uniqueIndexes: [['code']] };
const KEY_FIELDS = ['address', 'carrier', 'code', 'flag', 'phone', 'when'];
const TABLE = '"items:Things"';

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

function thing(r: () => number, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: id };
  if (r() < 0.9) out['carrier'] = pick(r, ['1', '2']);
  if (r() < 0.8) out['phone'] = `+1512555${String(Math.floor(r() * 10_000)).padStart(4, '0')}`;
  if (r() < 0.7) out['when'] = r() < 0.1 ? null : new Date(NOW - Math.floor(r() * 1e9));
  if (r() < 0.6) out['address'] = { state: pick(r, ['TX', 'OK', null]), city: 'Austin' };
  if (r() < 0.6) out['flag'] = pick(r, [true, false, null, 1]);
  if (r() < 0.5) out['tags'] = ['a', pick(r, ['b', 'c'])];
  out['note'] = pick(r, ['plain', 'ünïcödé', '']);
  return out;
}

/** A second connection to the emulator's file: what is stored, as SQLite holds it. */
function rows(dir: string): { keys: Record<string, unknown>; data: Record<string, unknown> }[] {
  const db = new Database(join(dir, 'wix-data.sqlite'), { readonly: true });
  try {
    return db
      .prepare<[], { keys: string; data: string }>(`SELECT json(keys) AS keys, json(data) AS data FROM ${TABLE} ORDER BY rowid`)
      .all()
      .map((row) => ({ keys: JSON.parse(row.keys) as Record<string, unknown>, data: JSON.parse(row.data) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

function keyShareOf(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(KEY_FIELDS.filter((f) => f in data).map((f) => [f, data[f]]));
}

describe('index keys kept apart from the item', () => {
  let dir: string;
  let em: LocalDataEmulator;
  let tick = 0;
  const open = (configs: readonly EmulatedCollectionConfig[]): LocalDataEmulator => createDataEmulator({ dataDir: dir, collections: configs, strictCollections: true, now: () => NOW + tick++ });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'index-keys-'));
  });
  afterEach(() => {
    em.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every kind of write keeps the keys equal to the indexed fields of the item, and queries answer from either alike', async () => {
    em = open([THINGS]);
    const r = mulberry32(20261123);
    await runAsAdmin(() => em.items.bulkInsert('Things', Array.from({ length: 80 }, (_, i) => thing(r, `t${i}`))));
    for (let round = 0; round < 300; round += 1) {
      const id = `t${Math.floor(r() * 90)}`;
      const kind = Math.floor(r() * 6);
      await runAsAdmin(async () => {
        switch (kind) {
          case 0:
            return em.items.update('Things', thing(r, id)).catch(() => null);
          case 1:
            return em.items.save('Things', thing(r, id));
          case 2: {
            const field = pick(r, ['flag', 'phone', 'when', 'note', 'last_at']);
            const builder = em.items.bulkPatch('Things', [id, `t${Math.floor(r() * 80)}`]);
            return r() < 0.3 ? builder.removeField(field).run() : builder.setField(field, pick(r, [true, 'x', 3, null, new Date(NOW)])).run();
          }
          case 3:
            return em.items.patch('Things', id).setField('address.state', pick(r, ['TX', 'OK'])).run().catch(() => null);
          case 4:
            return em.items.remove('Things', id);
          default:
            return em.items.insert('Things', thing(r, `n${round}`));
        }
      });
    }
    const stored = rows(dir);
    expect(stored.length).toBeGreaterThan(60);
    for (const row of stored) expect(row.keys).toEqual(keyShareOf(row.data));

    // Queries on indexed fields read `keys`: the answers are those of the items themselves.
    const all = (await runAsAdmin(() => em.items.query('Things').limit(1000).find())).items;
    const ids = (items: readonly Record<string, unknown>[]): string[] => items.map((i) => String(i['_id'])).sort();
    const find = async (build: (q: ReturnType<LocalDataEmulator['items']['query']>) => ReturnType<LocalDataEmulator['items']['query']>): Promise<string[]> =>
      ids((await runAsAdmin(() => build(em.items.query('Things')).limit(1000).find())).items);
    expect(await find((q) => q.eq('flag', true))).toEqual(ids(all.filter((i) => i['flag'] === true)));
    expect(await find((q) => q.isEmpty('flag'))).toEqual(ids(all.filter((i) => i['flag'] === undefined || i['flag'] === null)));
    expect(await find((q) => q.eq('address.state', 'TX'))).toEqual(ids(all.filter((i) => (i['address'] as { state?: unknown } | undefined)?.state === 'TX')));
    expect(await find((q) => q.ge('when', new Date(NOW - 5e8)))).toEqual(ids(all.filter((i) => i['when'] instanceof Date && i['when'].getTime() >= NOW - 5e8)));
    const phones = all.map((i) => i['phone']).filter((p): p is string => typeof p === 'string').slice(0, 5);
    expect(await find((q) => q.eq('carrier', '1').hasSome('phone', phones))).toEqual(ids(all.filter((i) => i['carrier'] === '1' && phones.includes(String(i['phone'])))));
    expect(em.items.query('Things').eq('address.state', 'TX').explainPlan().join(' ')).toMatch(/USING INDEX kx:Things:address.state/);
  });

  test('a write that changes no indexed field writes no index page; one that does, does', async () => {
    em = open([THINGS]);
    const r = mulberry32(7);
    const ids = Array.from({ length: 600 }, (_, i) => `t${i}`);
    await runAsAdmin(() => em.items.bulkInsert('Things', ids.map((id) => ({ ...thing(r, id), carrier: '1', phone: `+1512${String(Math.floor(r() * 1e7)).padStart(7, '0')}`, pad: 'p'.repeat(300) }))));

    const file = join(dir, 'wix-data.sqlite');
    const pagesWritten = async (write: () => Promise<unknown>): Promise<Set<number>> => {
      const side = new Database(file);
      side.pragma('wal_checkpoint(TRUNCATE)');
      side.close();
      await runAsAdmin(write);
      // WAL frames: a 32-byte header, then per frame a 24-byte header (page number first) and the page.
      const wal = readFileSync(`${file}-wal`);
      const pageSize = wal.readUInt32BE(8);
      const pages = new Set<number>();
      for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) pages.add(wal.readUInt32BE(at));
      return pages;
    };
    const indexPages = (): Set<number> => {
      const side = new Database(file, { readonly: true });
      const found = side.prepare<[], { pageno: number }>(`SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items:Things')`).all();
      side.close();
      return new Set(found.map((p) => p.pageno));
    };
    const touched = (written: Set<number>): number => [...indexPages()].filter((p) => written.has(p)).length;

    const inPlace = await pagesWritten(() => em.items.bulkPatch('Things', ids).setField('last_at', new Date(NOW)).run());
    expect(inPlace.size).toBeGreaterThan(10);
    expect(touched(inPlace)).toBe(0);

    const current = (await runAsAdmin(() => em.items.query('Things').limit(1000).find())).items;
    const replaced = await pagesWritten(() => em.items.bulkUpdate('Things', current.map((i) => ({ ...i, note: 'changed' }))));
    expect(touched(replaced)).toBe(0);

    // Changing an indexed field does write index pages (so the two checks above can fail).
    const keyed = await pagesWritten(() => em.items.bulkPatch('Things', ids).setField('flag', true).run());
    expect(touched(keyed)).toBeGreaterThan(0);
    expect(rows(dir).every((row) => row.keys['flag'] === true)).toBe(true);
  });

  test('a store of the older layout is rebuilt on open: same items, same order, indexes over the keys', async () => {
    const db = new Database(join(dir, 'wix-data.sqlite'));
    db.exec(`CREATE TABLE ${TABLE} (_id TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL)`);
    db.exec(`CREATE INDEX "ix:Things:flag" ON ${TABLE} (json_extract(data,'$."flag"'))`);
    const insert = db.prepare(`INSERT INTO ${TABLE} (_id, data) VALUES (?, jsonb(?))`);
    // Inserted out of id order: the default order (insertion) must survive the rebuild.
    insert.run('z', JSON.stringify({ _id: 'z', flag: true, when: { $date: '2026-01-02T00:00:00.000Z' }, note: 'first' }));
    insert.run('a', JSON.stringify({ _id: 'a', flag: false, address: { state: 'TX', city: 'Austin' }, tags: [1, 2] }));
    insert.run('m', JSON.stringify({ _id: 'm', flag: null, code: 'c-1' }));
    db.close();

    em = open([THINGS]);
    const found = await runAsAdmin(() => em.items.query('Things').find());
    expect(found.items.map((i) => i['_id'])).toEqual(['z', 'a', 'm']);
    expect(found.items[0]).toEqual({ _id: 'z', flag: true, when: new Date('2026-01-02T00:00:00.000Z'), note: 'first' });
    expect((await runAsAdmin(() => em.items.query('Things').eq('flag', false).find())).items.map((i) => i['_id'])).toEqual(['a']);
    expect((await runAsAdmin(() => em.items.query('Things').eq('address.state', 'TX').find())).items.map((i) => i['_id'])).toEqual(['a']);
    expect(em.items.query('Things').eq('address.state', 'TX').explainPlan().join(' ')).toMatch(/USING INDEX kx:Things:address.state/);
    for (const row of rows(dir)) expect(row.keys).toEqual(keyShareOf(row.data));
    // The unique index holds on the rebuilt table.
    await expect(runAsAdmin(() => em.items.insert('Things', { _id: 'n', code: 'c-1' }))).rejects.toThrow();

    const side = new Database(join(dir, 'wix-data.sqlite'), { readonly: true });
    const indexes = side.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items:Things' AND sql IS NOT NULL ORDER BY name`).all();
    side.close();
    expect(indexes.map((i) => i.name)).toEqual(['ku:Things:code', 'kx:Things:address.state', 'kx:Things:carrier,phone', 'kx:Things:flag', 'kx:Things:when']);
  });

  test('changed index declarations recompute the keys and replace the indexes', async () => {
    em = open([{ id: 'Things', indexes: [['flag']] }]);
    await runAsAdmin(() => em.items.bulkInsert('Things', [{ _id: 'a', flag: true, note: 'x' }, { _id: 'b', flag: false, note: 'y' }]));
    em.close();

    em = open([{ id: 'Things', indexes: [['note']] }]);
    // A collection's table is brought up to date when the collection is first used.
    expect((await runAsAdmin(() => em.items.query('Things').eq('note', 'y').find())).items.map((i) => i['_id'])).toEqual(['b']);
    expect(rows(dir).map((row) => row.keys)).toEqual([{ note: 'x' }, { note: 'y' }]);
    expect((await runAsAdmin(() => em.items.query('Things').eq('flag', true).find())).items.map((i) => i['_id'])).toEqual(['a']);
    expect(em.items.query('Things').eq('note', 'y').explainPlan().join(' ')).toMatch(/USING INDEX kx:Things:note/);
    const side = new Database(join(dir, 'wix-data.sqlite'), { readonly: true });
    const indexes = side.prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items:Things' AND sql IS NOT NULL`).all();
    side.close();
    expect(indexes.map((i) => i.name)).toEqual(['kx:Things:note']);
  });
});
