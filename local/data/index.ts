/**
 * `createDataEmulator(options)`: the local `@wix/data` `items` on SQLite (see README.md in this folder
 * for the semantics it reproduces and where it knowingly differs from Wix).
 */
import { currentCall } from '../runtime';
import { AggregateBuilder } from './aggregate';
import { createBulkOps } from './bulk';
import { FilterBuilder } from './chain';
import { Engine } from './engine';
import { createSingleOps } from './ops';
import { BulkPatchBuilder, PatchBuilder } from './patch';
import { QueryBuilder } from './query';
import type { DataEmulator, DataEmulatorOptions } from './types';

export type { DataEmulator, DataEmulatorOptions, EmulatedCollectionConfig, DataRequestStats, DataHooksModule, DataRequestInfo } from './types';
export { WixDataError } from './errors';
export { QueryBuilder } from './query';
export { FilterBuilder } from './chain';
export { AggregateBuilder } from './aggregate';
export type { PageResult } from './result';
export type { BulkResult } from './bulk';

export function createItems(engine: Engine) {
  return {
    /** Builders capture the current call so `auth.elevate(items.query)('C').find()` runs elevated. */
    query: (collectionId: string): QueryBuilder => new QueryBuilder(engine, collectionId, currentCall()),
    filter: (): FilterBuilder => new FilterBuilder(),
    aggregate: (collectionId: string): AggregateBuilder => new AggregateBuilder(engine, collectionId, currentCall()),
    patch: (collectionId: string, itemId: string): PatchBuilder => new PatchBuilder(engine, collectionId, itemId),
    bulkPatch: (collectionId: string, itemIds: string[]): BulkPatchBuilder => new BulkPatchBuilder(engine, collectionId, itemIds),
    ...createSingleOps(engine),
    ...createBulkOps(engine),
  };
}

export type EmulatedItems = ReturnType<typeof createItems>;

export interface LocalDataEmulator extends DataEmulator {
  readonly items: EmulatedItems;
}

export function createDataEmulator(options: DataEmulatorOptions): LocalDataEmulator {
  const engine = new Engine(options);
  const items = createItems(engine);
  return {
    items,
    stats: () => engine.accounting.stats(),
    resetStats: () => engine.accounting.reset(),
    setHooks: (hooks) => engine.hooks.set(hooks),
    close: () => engine.close(),
  };
}
