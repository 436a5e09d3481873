/** Single-item operations: get, insert, update, save, remove, truncate. */
import { currentCall, type CallContext } from '../runtime';
import { runAs, type Engine } from './engine';
import { errors } from './errors';
import { acceptItem, acceptString, type HookContext } from './hooks';
import { checkPermission, checkTruncate, readScope } from './permissions';
import { insertNew, replaceExisting } from './prepare';
import { matches } from './filter';
import { cloneItem, isPlainObject, type Item } from './values';

export interface WriteOptions {
  readonly suppressHooks?: boolean;
}

/** Runs `body` with onFailure reporting for hook-enabled calls. */
export async function guarded<T>(engine: Engine, collectionId: string, ctx: HookContext, options: WriteOptions, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (!options.suppressHooks) await engine.hooks.failure(collectionId, e, ctx);
    throw e;
  }
}

export function createSingleOps(engine: Engine) {
  const hooksOn = (o: WriteOptions): boolean => !o.suppressHooks;

  async function doInsert(collectionId: string, item: Item, call: CallContext, o: WriteOptions, operation: string): Promise<Item> {
    const info = { collectionId, kind: 'write', operation } as const;
    const store = engine.store(collectionId);
    checkPermission(engine.config(collectionId), 'insert', call);
    const ctx = engine.hookContext(collectionId, call);
    return guarded(engine, collectionId, ctx, o, async () => {
      const draft = hooksOn(o) ? await engine.hooks.run(collectionId, 'beforeInsert', item, ctx, acceptItem) : item;
      const saved = engine.write(info, () => insertNew(store, cloneItem(draft), call, engine.now()));
      return hooksOn(o) ? engine.hooks.run(collectionId, 'afterInsert', saved, ctx, acceptItem) : saved;
    });
  }

  async function doUpdate(collectionId: string, item: Item, existing: Item, call: CallContext, o: WriteOptions, operation: string): Promise<Item> {
    const info = { collectionId, kind: 'write', operation } as const;
    const store = engine.store(collectionId);
    checkPermission(engine.config(collectionId), 'update', call, existing);
    const ctx = engine.hookContext(collectionId, call, existing);
    return guarded(engine, collectionId, ctx, o, async () => {
      const draft = hooksOn(o) ? await engine.hooks.run(collectionId, 'beforeUpdate', item, ctx, acceptItem) : item;
      const { saved } = engine.write(info, () => replaceExisting(store, { ...cloneItem(draft), _id: item['_id'] }, engine.now()));
      return hooksOn(o) ? engine.hooks.run(collectionId, 'afterUpdate', saved, ctx, acceptItem) : saved;
    });
  }

  function requireObject(collectionId: string, item: unknown): asserts item is Item {
    if (!isPlainObject(item)) throw errors.itemMustBeObject(item, collectionId);
  }

  return {
    get(collectionId: string, itemId: string, options: WriteOptions = {}): Promise<Item | null> {
      return runAs(currentCall(), async (call) => {
        if (typeof itemId !== 'string') throw errors.itemIdMustBeString();
        const info = { collectionId, kind: 'read', operation: 'get' } as const;
        const store = engine.begin(info);
        const config = engine.config(collectionId);
        checkPermission(config, 'read', call);
        const ctx = engine.hookContext(collectionId, call);
        return guarded(engine, collectionId, ctx, options, async () => {
          const id = hooksOn(options) ? await engine.hooks.run(collectionId, 'beforeGet', itemId, ctx, acceptString) : itemId;
          const found = engine.read(info, () => store.get(id));
          const visible = found && matches(readScope(config, call), found) ? found : null;
          if (!visible || !hooksOn(options)) return visible;
          return engine.hooks.run(collectionId, 'afterGet', visible, ctx, acceptItem);
        });
      });
    },

    insert(collectionId: string, item: Item, options: WriteOptions = {}): Promise<Item> {
      return runAs(currentCall(), async (call) => {
        requireObject(collectionId, item);
        engine.begin({ collectionId, kind: 'write', operation: 'insert' });
        return doInsert(collectionId, cloneItem(item), call, options, 'insert');
      });
    },

    update(collectionId: string, item: Item, options: WriteOptions = {}): Promise<Item> {
      return runAs(currentCall(), async (call) => {
        requireObject(collectionId, item);
        const id = item['_id'];
        if (typeof id !== 'string') throw errors.updateWithoutId();
        const store = engine.begin({ collectionId, kind: 'write', operation: 'update' });
        const existing = store.get(id);
        if (!existing) throw errors.notFound(id, collectionId);
        return doUpdate(collectionId, cloneItem(item), existing, call, options, 'update');
      });
    },

    save(collectionId: string, item: Item, options: WriteOptions = {}): Promise<Item> {
      return runAs(currentCall(), async (call) => {
        requireObject(collectionId, item);
        const store = engine.begin({ collectionId, kind: 'write', operation: 'save' });
        const id = item['_id'];
        const existing = typeof id === 'string' && id !== '' ? store.get(id) : null;
        return existing ? doUpdate(collectionId, cloneItem(item), existing, call, options, 'save') : doInsert(collectionId, cloneItem(item), call, options, 'save');
      });
    },

    remove(collectionId: string, itemId: string, options: WriteOptions = {}): Promise<Item | null> {
      return runAs(currentCall(), async (call) => {
        if (typeof itemId !== 'string') throw errors.itemIdMustBeString();
        const info = { collectionId, kind: 'write', operation: 'remove' } as const;
        const store = engine.begin(info);
        const existing = store.get(itemId);
        checkPermission(engine.config(collectionId), 'remove', call, existing);
        const ctx = engine.hookContext(collectionId, call, existing);
        return guarded(engine, collectionId, ctx, options, async () => {
          const id = hooksOn(options) ? await engine.hooks.run(collectionId, 'beforeRemove', itemId, ctx, acceptString) : itemId;
          const removed = engine.write(info, () => {
            const before = store.get(id);
            return before && store.remove(id) ? before : null;
          });
          if (!removed || !hooksOn(options)) return removed;
          return engine.hooks.run(collectionId, 'afterRemove', removed, ctx, acceptItem);
        });
      });
    },

    /** Removes every item; fires no hooks. */
    truncate(collectionId: string): Promise<void> {
      return runAs(currentCall(), async (call) => {
        const info = { collectionId, kind: 'write', operation: 'truncate' } as const;
        const store = engine.begin(info);
        checkTruncate(engine.config(collectionId), call);
        engine.write(info, () => store.truncate());
      });
    },
  };
}
