/** bulkInsert / bulkUpdate / bulkSave / bulkRemove: one data request each, ≤1000 items, per-item hooks. */
import { currentCall } from '../runtime';
import { runAs, type Engine } from './engine';
import { errors, WixDataBulkItemError, WixDataError } from './errors';
import { acceptItem, acceptString } from './hooks';
import { checkPermission } from './permissions';
import { insertNew, replaceExisting } from './prepare';
import type { WriteOptions } from './ops';
import { cloneItem, isPlainObject, type Item } from './values';

export const MAX_BULK = 1000;

export interface BulkResult {
  inserted: number;
  updated: number;
  removed: number;
  skipped: number;
  insertedItemIds: string[];
  updatedItemIds: string[];
  removedItemIds: string[];
  errors: WixDataBulkItemError[];
}

type Mode = 'insert' | 'update' | 'save';

export function emptyBulkResult(): BulkResult {
  return { inserted: 0, updated: 0, removed: 0, skipped: 0, insertedItemIds: [], updatedItemIds: [], removedItemIds: [], errors: [] };
}

function asWixError(e: unknown): WixDataError {
  if (e instanceof WixDataError) return e;
  return new WixDataError('WDE0053', e instanceof Error ? e.message : String(e));
}

/** Ids that the SDK itself drops from `errors` and counts as skipped (bulkInsert of an existing id). */
function isSilentSkip(mode: Mode, e: WixDataError): boolean {
  return mode === 'insert' && e.code === 'WDE0074';
}

export function createBulkOps(engine: Engine) {
  function bulkWrite(mode: Mode, operation: string) {
    return (collectionId: string, items: Item[], options: WriteOptions = {}): Promise<BulkResult> =>
      runAs(currentCall(), async (call) => {
        if (!Array.isArray(items) || items.length === 0 || !items.every(isPlainObject)) throw errors.itemsMustBeArray(collectionId);
        if (items.length > MAX_BULK) throw errors.bulkTooLarge(collectionId);
        const info = { collectionId, kind: 'write', operation } as const;
        const store = engine.begin(info);
        const config = engine.config(collectionId);
        if (mode !== 'update') checkPermission(config, 'insert', call);
        const hooks = !options.suppressHooks;
        // Without update hooks an existing item is shown to nobody: its system fields are all a write keeps.
        const readExisting = (id: string): Item | null =>
          hooks && (engine.hooks.has(collectionId, 'beforeUpdate') || engine.hooks.has(collectionId, 'afterUpdate')) ? store.get(id) : store.getSystemFields(id);
        const result = emptyBulkResult();
        const fail = async (index: number, item: Item, e: unknown): Promise<void> => {
          const err = asWixError(e);
          if (hooks) await engine.hooks.failure(collectionId, err, engine.hookContext(collectionId, call));
          if (!isSilentSkip(mode, err)) result.errors.push(new WixDataBulkItemError(err, index, item));
        };
        // 1. before-hooks (async), deciding per item whether it is an insert or an update.
        const planned: { index: number; original: Item; draft: Item; update: Item | null }[] = [];
        // Whether planning awaited anything (a hook): then another request may have written meanwhile,
        // and the store work re-reads each stored item instead of trusting the planning read.
        let yielded = false;
        for (const [index, original] of items.entries()) {
          try {
            const id = original['_id'];
            const existing = mode !== 'insert' && typeof id === 'string' && id !== '' ? readExisting(id) : null;
            if (mode === 'update') {
              if (typeof id !== 'string') throw errors.updateWithoutId();
              if (!existing) throw errors.notFound(id, collectionId);
            }
            if (existing) checkPermission(config, 'update', call, existing);
            const before = existing ? 'beforeUpdate' : 'beforeInsert';
            // A hook gets its own copy (it may mutate); without one the store write copies the top level itself.
            if (hooks && engine.hooks.has(collectionId, before)) yielded = true;
            const draft =
              hooks && engine.hooks.has(collectionId, before)
                ? await engine.hooks.run(collectionId, before, cloneItem(original), engine.hookContext(collectionId, call, existing), acceptItem)
                : original;
            planned.push({ index, original, draft, update: existing });
          } catch (e) {
            yielded = true;
            await fail(index, original, e);
          }
        }
        // 2. one transaction for the store work.
        const outcomes = engine.write(info, () =>
          planned.map((p) => {
            try {
              const now = engine.now();
              const id = p.original['_id'];
              // After a hook yielded, the stored item is read again (another request may have written meanwhile).
              const saved = p.update ? replaceExisting(store, { ...p.draft, _id: id }, now, yielded && typeof id === 'string' ? (readExisting(id) ?? undefined) : p.update).saved : insertNew(store, p.draft, call, now);
              return { p, saved, error: null };
            } catch (e) {
              return { p, saved: null, error: e };
            }
          }),
        );
        // 3. results and after-hooks.
        for (const { p, saved, error } of outcomes) {
          if (!saved) {
            await fail(p.index, p.original, error);
            continue;
          }
          const id = String(saved['_id']);
          if (p.update) {
            result.updated += 1;
            result.updatedItemIds.push(id);
          } else {
            result.inserted += 1;
            result.insertedItemIds.push(id);
          }
          const after = p.update ? 'afterUpdate' : 'afterInsert';
          if (hooks && engine.hooks.has(collectionId, after)) await engine.hooks.run(collectionId, after, saved, engine.hookContext(collectionId, call, p.update), acceptItem);
        }
        result.skipped = items.length - result.errors.length - result.inserted - result.updated;
        return result;
      });
  }

  function bulkRemove(collectionId: string, itemIds: string[], options: WriteOptions = {}): Promise<BulkResult> {
    return runAs(currentCall(), async (call) => {
      if (!Array.isArray(itemIds) || itemIds.length === 0 || !itemIds.every((i) => typeof i === 'string')) throw errors.itemIdsMustBeStrings();
      if (itemIds.length > MAX_BULK) throw errors.bulkRemoveTooLarge(collectionId);
      const info = { collectionId, kind: 'write', operation: 'bulkRemove' } as const;
      const store = engine.begin(info);
      const config = engine.config(collectionId);
      const hooks = !options.suppressHooks;
      const result = emptyBulkResult();
      const planned: { index: number; id: string; existing: Item }[] = [];
      for (const [index, original] of itemIds.entries()) {
        const existing = store.get(original);
        const ctx = engine.hookContext(collectionId, call, existing);
        try {
          checkPermission(config, 'remove', call, existing);
          const id = hooks ? await engine.hooks.run(collectionId, 'beforeRemove', original, ctx, acceptString) : original;
          const target = id === original ? existing : store.get(id);
          if (target) planned.push({ index, id, existing: target });
        } catch (e) {
          const err = asWixError(e);
          if (hooks) await engine.hooks.failure(collectionId, err, ctx);
          result.errors.push(new WixDataBulkItemError(err, index, original));
        }
      }
      const removed = engine.write(info, () => planned.filter((p) => store.remove(p.id)));
      for (const p of removed) {
        result.removed += 1;
        result.removedItemIds.push(p.id);
        if (hooks) await engine.hooks.run(collectionId, 'afterRemove', p.existing, engine.hookContext(collectionId, call, p.existing), acceptItem);
      }
      result.skipped = itemIds.length - result.errors.length - result.removed;
      return result;
    });
  }

  return {
    bulkInsert: bulkWrite('insert', 'bulkInsert'),
    bulkUpdate: bulkWrite('update', 'bulkUpdate'),
    bulkSave: bulkWrite('save', 'bulkSave'),
    bulkRemove,
  };
}
