/**
 * The emulator refreshes SQLite's planner statistics (`ANALYZE`) after enough writes, before the
 * next read; updates and in-place patches that change no indexed field leave the statistics as they
 * are and do not count. A store opened on an existing file carries on from the statistics stored in it. Seen
 * from a second connection: a marker written into `sqlite_stat1` survives a read exactly when no
 * refresh ran.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { runAsAdmin } from '../../local/runtime';

const TABLE = 'items:Things';
const MARK = '1 1';

describe('planner statistics refresh', () => {
  let dir: string;
  let em: LocalDataEmulator;
  let side: Database.Database;
  const ids = Array.from({ length: 1000 }, (_, i) => `t${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stats-'));
    em = createDataEmulator({ dataDir: dir, collections: [{ id: 'Things', indexes: [['status']] }] });
    await runAsAdmin(() => em.items.bulkInsert('Things', ids.map((_id, i) => ({ _id, status: i % 2 === 0 ? 'a' : 'b', note: 'n' }))));
    // The first read after 1000 writes refreshes.
    await runAsAdmin(() => em.items.query('Things').eq('status', 'a').limit(1).find());
    side = new Database(join(dir, 'wix-data.sqlite'));
  });
  afterAll(() => {
    side.close();
    em.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mark = (): void => void side.prepare('UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx IS NOT NULL').run(MARK, TABLE);
  const marked = (): boolean => side.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = ? AND stat = ?').get(TABLE, MARK)?.n !== 0;
  const read = (): Promise<unknown> => runAsAdmin(() => em.items.query('Things').eq('status', 'a').limit(1).find());

  it('has statistics for the indexed table after the first read', () => {
    const rows = side.prepare<[string], { idx: string | null; stat: string }>('SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?').all(TABLE);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.stat.startsWith('1000'))).toBe(true);
  });

  it('does not refresh after in-place patches of an unindexed field, however many', async () => {
    mark();
    for (let round = 0; round < 3; round += 1) {
      const result = await runAsAdmin(() => em.items.bulkPatch('Things', ids).setField('note', `round ${round}`).run());
      expect(result.updated).toBe(1000);
    }
    await read();
    expect(marked()).toBe(true);
    const [item] = await runAsAdmin(() => em.items.query('Things').eq('_id', 't0000').find()).then((r) => r.items);
    expect(item?.['note']).toBe('round 2');
  });

  it('does not refresh after whole-item updates that keep every indexed field', async () => {
    mark();
    const stored = (await runAsAdmin(() => em.items.query('Things').limit(1000).find())).items;
    for (let round = 0; round < 3; round += 1) {
      const result = await runAsAdmin(() => em.items.bulkUpdate('Things', stored.map((item) => ({ ...item, note: `update ${round}` }))));
      expect(result.updated).toBe(1000);
    }
    await read();
    expect(marked()).toBe(true);
  });

  it('refreshes once in-place patches changed an indexed field often enough', async () => {
    mark();
    await runAsAdmin(() => em.items.bulkPatch('Things', ids).setField('status', 'c').run());
    await read();
    expect(marked()).toBe(false);
    const rows = side.prepare<[string], { stat: string }>('SELECT stat FROM sqlite_stat1 WHERE tbl = ? AND idx IS NOT NULL').all(TABLE);
    expect(rows.every((r) => r.stat !== MARK)).toBe(true);
  });

  it('analyses, before its first read, a table another store filled without reading it', async () => {
    const other = mkdtempSync(join(tmpdir(), 'stats-'));
    try {
      const filler = createDataEmulator({ dataDir: other, collections: [{ id: 'Things', indexes: [['status']] }] });
      await runAsAdmin(() => filler.items.bulkInsert('Things', ids.map((_id) => ({ _id, status: 'a' }))));
      filler.close();
      const stats = (): number => {
        const db = new Database(join(other, 'wix-data.sqlite'));
        try {
          const table = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'").get()?.n === 1;
          return table ? (db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = ?').get(TABLE)?.n ?? 0) : 0;
        } finally {
          db.close();
        }
      };
      expect(stats()).toBe(0);
      const reader = createDataEmulator({ dataDir: other, collections: [{ id: 'Things', indexes: [['status']] }] });
      await runAsAdmin(() => reader.items.query('Things').eq('status', 'a').limit(1).find());
      reader.close();
      expect(stats()).toBeGreaterThan(0);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('does not analyse again on reopening a file whose statistics are current', async () => {
    await read();
    mark();
    const again = createDataEmulator({ dataDir: dir, collections: [{ id: 'Things', indexes: [['status']] }] });
    try {
      await runAsAdmin(() => again.items.query('Things').eq('status', 'c').limit(1).find());
    } finally {
      again.close();
    }
    expect(marked()).toBe(true);
  });
});
