/**
 * `items.patch(collectionId, itemId)`: a field-level update (Wix's WixDataPatch). Only the fields the
 * patch names change; the merge happens inside the write transaction on the stored item, so a
 * concurrent `update` of other fields is never undone. `run({ condition })` patches only when the
 * stored item matches the filter; otherwise it resolves to `null` and writes nothing (our reading
 * of "patched only if condition is met"; the remote contract run settles the exact behaviour).
 * beforeUpdate/afterUpdate hooks run on the merged item, as the Wix docs say.
 */
import { currentCall, type CallContext } from '../runtime';
import { emptyBulkResult, MAX_BULK, type BulkResult } from './bulk';
import { Chain } from './chain';
import { runAs, type Engine } from './engine';
import { errors, WixDataBulkItemError, WixDataError } from './errors';
import { acceptItem } from './hooks';
import { matches, type Cond } from './filter';
import { checkPermission, isPrivileged } from './permissions';
import { inPlacePatchOf, type Modification } from './patchInPlace';
import { MAX_ITEM_BYTES, replaceExisting } from './prepare';
import { cloneItem, encode, type Item } from './values';
import { guarded } from './ops';

function applyTo(item: Item, mods: readonly Modification[]): Item {
  const out: Item = { ...item };
  for (const m of mods) {
    switch (m.kind) {
      case 'set':
        out[m.field] = cloneItem({ v: m.value })['v'];
        break;
      case 'remove':
        delete out[m.field];
        break;
      case 'increment': {
        const current = out[m.field];
        out[m.field] = (typeof current === 'number' ? current : 0) + m.by;
        break;
      }
    }
  }
  return out;
}

/** The field modifications both patch builders collect. */
abstract class ModificationsBuilder {
  protected readonly mods: Modification[] = [];
  /** Captured like the query builders: `auth.elevate(items.patch)('C', id).run()` runs elevated. */
  protected readonly call = currentCall();

  setField(field: string, value: unknown): this {
    this.mods.push({ kind: 'set', field, value });
    return this;
  }

  removeField(field: string): this {
    this.mods.push({ kind: 'remove', field });
    return this;
  }

  incrementField(field: string, by: number): this {
    this.mods.push({ kind: 'increment', field, by });
    return this;
  }
}

interface PatchOptions {
  readonly condition?: unknown;
  readonly suppressHooks?: boolean;
}

/**
 * Patches one item inside an admitted request: permission, condition, beforeUpdate on the merged
 * item, then the merge re-applied to the item as stored at write time (whatever changed during the
 * hook is kept), afterUpdate. Null when the condition doesn't hold.
 */
async function patchItem(engine: Engine, call: CallContext, input: { collectionId: string; itemId: string; mods: readonly Modification[]; condition: Cond | null; options: PatchOptions }): Promise<Item | null> {
  const { collectionId, itemId, mods, condition, options } = input;
  const info = { collectionId, kind: 'write', operation: 'patch' } as const;
  const store = engine.store(collectionId);
  const existing = store.get(itemId);
  if (!existing) throw errors.notFound(itemId, collectionId);
  checkPermission(engine.config(collectionId), 'update', call, existing);
  const hooksOn = !options.suppressHooks;
  const ctx = engine.hookContext(collectionId, call, existing);
  return guarded(engine, collectionId, ctx, { suppressHooks: options.suppressHooks ?? false }, async () => {
    if (condition && !matches(condition, existing)) return null;
    const merged = applyTo(existing, mods);
    const draft = hooksOn ? await engine.hooks.run(collectionId, 'beforeUpdate', merged, ctx, acceptItem) : merged;
    const result = engine.write(info, () => {
      const current = hooksOn ? store.get(itemId) : existing;
      if (!current) throw errors.notFound(itemId, collectionId);
      if (condition && !matches(condition, current)) return null;
      const hookChanged = Object.keys(draft).filter((k) => !k.startsWith('_') && draft[k] !== merged[k]);
      const next = applyTo(current, mods);
      for (const k of hookChanged) next[k] = draft[k];
      return replaceExisting(store, { ...next, _id: itemId }, engine.now(), current).saved;
    });
    if (!result || !hooksOn) return result;
    return engine.hooks.run(collectionId, 'afterUpdate', result, ctx, acceptItem);
  });
}

function conditionOf(options: PatchOptions): Cond | null {
  return options.condition instanceof Chain ? options.condition.condition() : null;
}

export class PatchBuilder extends ModificationsBuilder {
  constructor(
    private readonly engine: Engine,
    private readonly collectionId: string,
    private readonly itemId: string,
  ) {
    super();
  }

  run(options: PatchOptions = {}): Promise<Item | null> {
    const { engine, collectionId, itemId, mods } = this;
    return runAs(this.call, async (call) => {
      if (typeof itemId !== 'string') throw errors.itemIdMustBeString();
      engine.begin({ collectionId, kind: 'write', operation: 'patch' });
      return patchItem(engine, call, { collectionId, itemId, mods, condition: conditionOf(options), options });
    });
  }
}

/**
 * `items.bulkPatch(collectionId, itemIds)`: the same modifications applied to up to 1000 items in
 * one request, per-item hooks as `patch`. Our reading of the result: a missing item is a per-item
 * error (WDE0073), an item whose stored value fails the `condition` is skipped.
 */
export class BulkPatchBuilder extends ModificationsBuilder {
  constructor(
    private readonly engine: Engine,
    private readonly collectionId: string,
    private readonly itemIds: readonly string[],
  ) {
    super();
  }

  run(options: PatchOptions = {}): Promise<BulkResult> {
    const { engine, collectionId, itemIds, mods } = this;
    return runAs(this.call, async (call) => {
      if (!Array.isArray(itemIds) || itemIds.length === 0 || !itemIds.every((i) => typeof i === 'string')) throw errors.itemIdsMustBeStrings();
      if (itemIds.length > MAX_BULK) throw errors.bulkTooLarge(collectionId);
      const info = { collectionId, kind: 'write', operation: 'bulkPatch' } as const;
      const store = engine.begin(info);
      const config = engine.config(collectionId);
      const condition = conditionOf(options);
      const hooksOn = !options.suppressHooks && engine.hooks.has(collectionId, 'beforeUpdate');
      const result = emptyBulkResult();
      const fail = (index: number, itemId: string, e: unknown): void => {
        const err = e instanceof WixDataError ? e : new WixDataError('WDE0053', e instanceof Error ? e.message : String(e));
        result.errors.push(new WixDataBulkItemError(err, index, { _id: itemId }));
      };
      // 0. Items nobody sees (no update hooks, no condition, nothing permissions depend on) are patched inside SQLite.
      const unseen = !condition && (options.suppressHooks || !(hooksOn || engine.hooks.has(collectionId, 'afterUpdate'))) && (!config?.permissions || isPrivileged(call));
      const inPlace = unseen ? inPlacePatchOf(mods, MAX_ITEM_BYTES) : null;
      /** Updated items by their index in `itemIds` (the result lists them in that order). */
      const updated: [number, string][] = [];
      let pending: readonly (readonly [number, string])[] = [...itemIds.entries()];
      if (inPlace) {
        const patched = engine.write(info, () => store.patchInPlace(itemIds, inPlace, encode(new Date(engine.now()))));
        for (const [index, itemId] of pending) if (patched.has(itemId)) updated.push([index, itemId]);
        // Missing items and items too large for the SQL path go on below (an error, or the JS merge).
        pending = pending.filter(([, itemId]) => !patched.has(itemId));
      }
      // 1. per item: permission, condition, beforeUpdate on the merged item.
      const planned: { index: number; itemId: string; existing: Item; merged: Item; draft: Item }[] = [];
      for (const [index, itemId] of pending) {
        try {
          const existing = store.get(itemId);
          if (!existing) throw errors.notFound(itemId, collectionId);
          checkPermission(config, 'update', call, existing);
          if (condition && !matches(condition, existing)) continue;
          const merged = applyTo(existing, mods);
          const draft = hooksOn ? await engine.hooks.run(collectionId, 'beforeUpdate', merged, engine.hookContext(collectionId, call, existing), acceptItem) : merged;
          planned.push({ index, itemId, existing, merged, draft });
        } catch (e) {
          if (!options.suppressHooks) await engine.hooks.failure(collectionId, e, engine.hookContext(collectionId, call));
          fail(index, itemId, e);
        }
      }
      // 2. one transaction: the merge re-applied to each item as stored now (re-read only if a hook ran meanwhile).
      const saved = engine.write(info, () =>
        planned.map((p) => {
          try {
            const current = hooksOn ? store.get(p.itemId) : p.existing;
            if (!current) throw errors.notFound(p.itemId, collectionId);
            if (condition && !matches(condition, current)) return null;
            const next = applyTo(current, mods);
            for (const k of Object.keys(p.draft)) if (!k.startsWith('_') && p.draft[k] !== p.merged[k]) next[k] = p.draft[k];
            return replaceExisting(store, { ...next, _id: p.itemId }, engine.now(), current).saved;
          } catch (e) {
            fail(p.index, p.itemId, e);
            return null;
          }
        }),
      );
      // 3. results and afterUpdate.
      for (const [i, item] of saved.entries()) {
        const p = planned[i];
        if (!item || !p) continue;
        updated.push([p.index, p.itemId]);
        if (!options.suppressHooks && engine.hooks.has(collectionId, 'afterUpdate')) await engine.hooks.run(collectionId, 'afterUpdate', item, engine.hookContext(collectionId, call, p.existing), acceptItem);
      }
      updated.sort((x, y) => x[0] - y[0]);
      result.updated = updated.length;
      result.updatedItemIds = updated.map(([, itemId]) => itemId);
      result.errors.sort((x, y) => x.originalIndex - y.originalIndex);
      result.skipped = itemIds.length - result.errors.length - result.updated;
      return result;
    });
  }
}
