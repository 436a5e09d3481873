/**
 * `items.patch(collectionId, itemId)`: a field-level update (Wix's WixDataPatch). Only the fields the
 * patch names change; the merge happens inside the write transaction on the stored item, so a
 * concurrent `update` of other fields is never undone. `run({ condition })` patches only when the
 * stored item matches the filter; otherwise it resolves to `null` and writes nothing (our reading
 * of "patched only if condition is met"; the remote contract run settles the exact behaviour).
 * beforeUpdate/afterUpdate hooks run on the merged item, as the Wix docs say.
 */
import { currentCall } from '../runtime';
import { Chain } from './chain';
import { runAs, type Engine } from './engine';
import { errors } from './errors';
import { acceptItem } from './hooks';
import { matches } from './filter';
import { checkPermission } from './permissions';
import { replaceExisting } from './prepare';
import { cloneItem, type Item } from './values';
import { guarded } from './ops';

type Modification = { readonly kind: 'set'; readonly field: string; readonly value: unknown } | { readonly kind: 'remove'; readonly field: string } | { readonly kind: 'increment'; readonly field: string; readonly by: number };

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

export class PatchBuilder {
  private readonly mods: Modification[] = [];
  /** Captured like the query builders: `auth.elevate(items.patch)('C', id).run()` runs elevated. */
  private readonly call = currentCall();

  constructor(
    private readonly engine: Engine,
    private readonly collectionId: string,
    private readonly itemId: string,
  ) {}

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

  run(options: { condition?: unknown; suppressHooks?: boolean } = {}): Promise<Item | null> {
    const { engine, collectionId, itemId, mods } = this;
    return runAs(this.call, async (call) => {
      if (typeof itemId !== 'string') throw errors.itemIdMustBeString();
      const condition = options.condition instanceof Chain ? options.condition.condition() : null;
      const info = { collectionId, kind: 'write', operation: 'patch' } as const;
      const store = engine.begin(info);
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
          // Re-applied to the item as stored now: whatever changed during the hook is kept.
          const current = store.get(itemId);
          if (!current) throw errors.notFound(itemId, collectionId);
          if (condition && !matches(condition, current)) return null;
          const hookChanged = Object.keys(draft).filter((k) => !k.startsWith('_') && draft[k] !== merged[k]);
          const next = applyTo(current, mods);
          for (const k of hookChanged) next[k] = draft[k];
          return replaceExisting(store, { ...next, _id: itemId }, engine.now()).saved;
        });
        if (!result || !hooksOn) return result;
        return engine.hooks.run(collectionId, 'afterUpdate', result, ctx, acceptItem);
      });
    });
  }
}
