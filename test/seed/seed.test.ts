import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import { createDataEmulator } from '../../local/data/index';
import { runAsAdmin } from '../../local/runtime';
import { parseSeedArgs, writeNdjson } from '../../local/seed/cli';
import { DEMO_AS_OF } from '../../local/seed/drivers';
import { MAX_BULK_ITEMS, seedDemoData, type BulkInsertTarget } from '../../local/seed/seed';

/** A minimal `items` with Wix's bulkInsert semantics: ≤1000 items, existing ids skipped. */
function fakeItems(): BulkInsertTarget & { store: Map<string, Map<string, Record<string, unknown>>>; calls: number[] } {
  const store = new Map<string, Map<string, Record<string, unknown>>>();
  const calls: number[] = [];
  return {
    store,
    calls,
    bulkInsert: (collectionId, items) => {
      if (items.length === 0 || items.length > 1000) return Promise.reject(new Error('WDE0006'));
      calls.push(items.length);
      const coll = store.get(collectionId) ?? new Map<string, Record<string, unknown>>();
      store.set(collectionId, coll);
      let inserted = 0;
      let skipped = 0;
      for (const item of items) {
        const id = String(item['_id']);
        if (coll.has(id)) skipped++;
        else {
          coll.set(id, item);
          inserted++;
        }
      }
      return Promise.resolve({ inserted, skipped, errors: [] });
    },
  };
}

describe('seedDemoData', () => {
  it('writes carrier, staff, saved searches and drivers in bulk chunks of at most 1000', async () => {
    const items = fakeItems();
    const report = await seedDemoData({ items, drivers: 2500, seed: 42 });
    expect(report.inserted).toEqual({ Carriers: 1, RecruiterProfiles: 4, SavedSearches: 4, DriverProfiles: 2500 });
    expect(Math.max(...items.calls)).toBeLessThanOrEqual(MAX_BULK_ITEMS);
    expect(items.calls.filter((n) => n === 1000)).toHaveLength(2);
    expect(report.bulkCalls).toBe(items.calls.length);
    expect(report.drivers.total).toBe(2500);
    expect(Object.keys(report.drivers.byState)).toHaveLength(51);
  });

  it('is idempotent: a rerun skips every existing item instead of duplicating it', async () => {
    const items = fakeItems();
    await seedDemoData({ items, drivers: 1200, seed: 42 });
    const again = await seedDemoData({ items, drivers: 1200, seed: 42 });
    expect(again.inserted).toEqual({ Carriers: 0, RecruiterProfiles: 0, SavedSearches: 0, DriverProfiles: 0 });
    expect(again.skipped['DriverProfiles']).toBe(1200);
    expect(items.store.get('DriverProfiles')?.size).toBe(1200);
  });

  it('reports item errors instead of hiding them', async () => {
    const items: BulkInsertTarget = { bulkInsert: () => Promise.resolve({ inserted: 0, skipped: 0, errors: [new Error('WDE0009: too large')] }) };
    await expect(seedDemoData({ items, drivers: 1, seed: 1 })).rejects.toThrow(/Carriers failed for 1 item\(s\): WDE0009/);
  });

  it('seeds the local data emulator (in memory) and the drivers are queryable', async () => {
    const emulator = createDataEmulator({ dataDir: null, collections: emulatedCollectionConfigs() });
    try {
      const items = emulator.items;
      const report = await runAsAdmin(() => seedDemoData({ items, drivers: 1500, seed: 42 }));
      expect(report.inserted['DriverProfiles']).toBe(1500);
      const count = await runAsAdmin(() => items.query('DriverProfiles').eq('carrier_dot', '2233445').count());
      expect(count).toBe(1500);
      const az = await runAsAdmin(() => items.query('DriverProfiles').eq('home_state', 'AZ').limit(1).find());
      expect(az.items[0]?.['home_time_zone']).toBe('America/Phoenix');
    } finally {
      emulator.close();
    }
  });
});

describe('seed CLI', () => {
  it('parses --drivers/--seed/--out/--data-dir with defaults', () => {
    expect(parseSeedArgs([])).toMatchObject({ drivers: 5000, seed: 42, out: null, dataDir: '.data', carrierDot: '2233445', asOf: DEMO_AS_OF });
    expect(parseSeedArgs(['--drivers', '100000', '--seed=7', '--out', 'x.ndjson'])).toMatchObject({ drivers: 100000, seed: 7, out: 'x.ndjson' });
    expect(() => parseSeedArgs(['--drivers', 'many'])).toThrow(/non-negative integer/);
    expect(() => parseSeedArgs(['--colour', 'red'])).toThrow(/unknown option/);
    expect(() => parseSeedArgs(['--seed'])).toThrow(/needs a value/);
  });

  it('writes NDJSON: the tenant first, then one line per driver, identical for the same seed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
    try {
      const base = { ...parseSeedArgs(['--drivers', '1500']), out: path.join(dir, 'a.ndjson') };
      const summary = await writeNdjson(base);
      await writeNdjson({ ...base, out: path.join(dir, 'b.ndjson') });
      const a = fs.readFileSync(path.join(dir, 'a.ndjson'), 'utf8');
      expect(a).toBe(fs.readFileSync(path.join(dir, 'b.ndjson'), 'utf8'));
      const lines = a.trimEnd().split('\n').map((l) => JSON.parse(l) as { collection: string; item: { _id: string } });
      expect(lines).toHaveLength(1 + 4 + 4 + 1500);
      expect(lines[0]?.collection).toBe('Carriers');
      expect(lines.filter((l) => l.collection === 'DriverProfiles')).toHaveLength(1500);
      expect(summary.total).toBe(1500);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
