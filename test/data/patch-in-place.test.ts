/**
 * `bulkPatch` inside SQLite (local/data/patchInPlace.ts) against the JS merge it stands in for: the
 * same generated items and modifications go to a collection the in-place path serves (no update
 * hooks) and to one it does not (an `afterUpdate` hook that changes nothing); the results and the
 * stored items, key order included, must be identical.
 */
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { inPlacePatchOf } from '../../local/data/patchInPlace';
import { MAX_ITEM_BYTES } from '../../local/data/prepare';
import { encode } from '../../local/data/values';
import { mulberry32 } from '../../local/prng';
import { runAsAdmin } from '../../local/runtime';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
type Mod = { kind: 'set'; field: string; value: unknown } | { kind: 'remove'; field: string } | { kind: 'increment'; field: string; by: number };

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

const FIELDS = ['status', 'last_sms_at', 'n', 'note', 'flag', 'nested', 'tags', 'fresh_field', 'b2'];

function value(r: () => number): unknown {
  switch (Math.floor(r() * 9)) {
    case 0:
      return null;
    case 1:
      return Math.floor(r() * 1000) - 500;
    case 2:
      return r() * 10;
    case 3:
      return r() < 0.5;
    case 4:
      return pick(r, ['', 'sent', 'ünïcödé ✓', 'quote " and \\ backslash', 'line\nbreak', '[bracket]']);
    case 5:
      return new Date(NOW - Math.floor(r() * 1e10));
    case 6:
      return new Date(Number.NaN);
    case 7:
      return { inner: pick(r, [1, 'x', null]), when: new Date(NOW) };
    default:
      return [1, 'two', null];
  }
}

function item(r: () => number, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: `i${i}` };
  for (const f of FIELDS) if (r() < 0.6) out[f] = value(r);
  return out;
}

function mods(r: () => number): Mod[] {
  const out: Mod[] = [];
  const count = 1 + Math.floor(r() * 3);
  for (let k = 0; k < count; k += 1) {
    const field = r() < 0.9 ? pick(r, FIELDS) : pick(r, ['a.b', '_owner', 'x-y']);
    const kind = r();
    if (kind < 0.65) out.push({ kind: 'set', field, value: value(r) });
    else if (kind < 0.9) out.push({ kind: 'remove', field });
    else out.push({ kind: 'increment', field, by: 2 });
  }
  return out;
}

describe('bulkPatch in place equals the JS merge', () => {
  let em: LocalDataEmulator;
  let tick = 0;
  beforeEach(() => {
    tick = 0;
    em = createDataEmulator({
      dataDir: null,
      collections: [
        { id: 'Fast', indexes: [['status']] },
        { id: 'Slow', indexes: [['status']] },
      ],
      // Both collections see the same clock sequence: one tick per write request.
      now: () => NOW + Math.floor(tick / 2),
      hooks: { Slow_afterUpdate: (i: Record<string, unknown>) => i },
    });
  });
  afterEach(() => em.close());

  const both = async <T>(fn: (collection: string) => Promise<T>): Promise<[T, T]> => {
    const fast = await runAsAdmin(() => fn('Fast'));
    tick += 1;
    const slow = await runAsAdmin(() => fn('Slow'));
    tick += 1;
    return [fast, slow];
  };

  test('on 400 generated patches of 60 generated items', async () => {
    const r = mulberry32(20261122);
    const items = Array.from({ length: 60 }, (_, i) => item(r, i));
    // One item too large for the in-place path (it then takes the JS merge in the same request).
    items.push({ _id: 'big', status: 'x', blob: 'y'.repeat(80_000) });
    await both((c) => em.items.bulkInsert(c, items));
    let inPlaceEligible = 0;
    for (let round = 0; round < 400; round += 1) {
      const patch = mods(r);
      if (inPlacePatchOf(patch, MAX_ITEM_BYTES)) inPlaceEligible += 1;
      const ids = Array.from({ length: 1 + Math.floor(r() * 8) }, () => (r() < 0.1 ? 'missing' : r() < 0.1 ? 'big' : `i${Math.floor(r() * 60)}`));
      const [fast, slow] = await both((c) => {
        const builder = em.items.bulkPatch(c, ids);
        for (const m of patch) {
          if (m.kind === 'set') builder.setField(m.field, m.value);
          else if (m.kind === 'remove') builder.removeField(m.field);
          else builder.incrementField(m.field, m.by);
        }
        return builder.run();
      });
      expect({ ...fast, errors: fast.errors.map((e) => [e.code, e.originalIndex]) }).toEqual({ ...slow, errors: slow.errors.map((e) => [e.code, e.originalIndex]) });
    }
    expect(inPlaceEligible).toBeGreaterThan(150);
    const [fast, slow] = await both((c) => em.items.query(c).ascending('_id').limit(1000).find());
    expect(fast.items.length).toBe(61);
    // Same keys in the same order, same values (Dates included).
    expect(fast.items.map((i) => encode(i))).toEqual(slow.items.map((i) => encode(i)));
  });

  test('a patch of a missing id is a per-item WDE0073 and changes nothing else', async () => {
    await both((c) => em.items.bulkInsert(c, [{ _id: 'a', status: 'old' }]));
    const [fast] = await both((c) => em.items.bulkPatch(c, ['missing', 'a']).setField('status', 'new').run());
    expect(fast).toMatchObject({ updated: 1, updatedItemIds: ['a'], skipped: 0 });
    expect(fast.errors.map((e) => [e.code, e.originalIndex])).toEqual([['WDE0073', 0]]);
    expect(await runAsAdmin(() => em.items.get('Fast', 'a'))).toMatchObject({ status: 'new', _updatedDate: new Date(NOW + 1) });
  });

  test('plans only plain top-level sets and removals of scalars and Dates', () => {
    expect(inPlacePatchOf([{ kind: 'set', field: 'last_sms_at', value: new Date(NOW) }], MAX_ITEM_BYTES)).not.toBeNull();
    expect(inPlacePatchOf([{ kind: 'remove', field: 'note' }], MAX_ITEM_BYTES)).not.toBeNull();
    expect(inPlacePatchOf([{ kind: 'set', field: 'a.b', value: 1 }], MAX_ITEM_BYTES)).toBeNull();
    expect(inPlacePatchOf([{ kind: 'set', field: '_owner', value: 'x' }], MAX_ITEM_BYTES)).toBeNull();
    expect(inPlacePatchOf([{ kind: 'set', field: 'tags', value: ['x'] }], MAX_ITEM_BYTES)).toBeNull();
    expect(inPlacePatchOf([{ kind: 'set', field: 'o', value: { a: 1 } }], MAX_ITEM_BYTES)).toBeNull();
    expect(inPlacePatchOf([{ kind: 'set', field: 'n', value: Number.NaN }], MAX_ITEM_BYTES)).toBeNull();
    expect(inPlacePatchOf([{ kind: 'increment', field: 'n', by: 1 }], MAX_ITEM_BYTES)).toBeNull();
    expect(inPlacePatchOf([], MAX_ITEM_BYTES)).toBeNull();
  });
});
