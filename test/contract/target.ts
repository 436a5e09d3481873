/**
 * The abstract target the contract suite runs against: an `items` API plus a test collection that
 * can be cleared. Three implementations: the local emulator, the same emulator in a worker thread
 * (local/data/remote), and a real Wix site through `@wix/sdk`.
 */
import { join } from 'node:path';
import { createDataEmulator, type LocalDataEmulator } from '../../local/data';
import { createRemoteDataEmulator, type RemoteDataEmulator } from '../../local/data/remote';

/** The part of `@wix/data` `items` the suite uses, typed loosely so both targets fit. */
export interface FilterLike {
  eq(field: string, value: unknown): FilterLike;
  ne(field: string, value: unknown): FilterLike;
  gt(field: string, value: unknown): FilterLike;
  ge(field: string, value: unknown): FilterLike;
  lt(field: string, value: unknown): FilterLike;
  le(field: string, value: unknown): FilterLike;
  between(field: string, start: unknown, end: unknown): FilterLike;
  contains(field: string, value: string): FilterLike;
  startsWith(field: string, value: string): FilterLike;
  endsWith(field: string, value: string): FilterLike;
  hasSome(field: string, ...values: unknown[]): FilterLike;
  hasAll(field: string, ...values: unknown[]): FilterLike;
  isEmpty(field: string): FilterLike;
  isNotEmpty(field: string): FilterLike;
  and(filter: unknown): FilterLike;
  or(filter: unknown): FilterLike;
  not(filter: unknown): FilterLike;
}

export interface ResultLike {
  readonly items: Record<string, unknown>[];
  readonly totalCount: number | undefined;
  readonly totalPages: number | undefined;
  readonly pageSize: number | undefined;
  readonly currentPage: number | undefined;
  readonly length: number;
  hasNext(): boolean;
  hasPrev(): boolean;
  next(): Promise<ResultLike>;
  prev(): Promise<ResultLike>;
}

export interface QueryLike extends FilterLike {
  eq(field: string, value: unknown): QueryLike;
  ne(field: string, value: unknown): QueryLike;
  gt(field: string, value: unknown): QueryLike;
  ge(field: string, value: unknown): QueryLike;
  lt(field: string, value: unknown): QueryLike;
  le(field: string, value: unknown): QueryLike;
  between(field: string, start: unknown, end: unknown): QueryLike;
  contains(field: string, value: string): QueryLike;
  startsWith(field: string, value: string): QueryLike;
  endsWith(field: string, value: string): QueryLike;
  hasSome(field: string, ...values: unknown[]): QueryLike;
  hasAll(field: string, ...values: unknown[]): QueryLike;
  isEmpty(field: string): QueryLike;
  isNotEmpty(field: string): QueryLike;
  and(filter: unknown): QueryLike;
  or(filter: unknown): QueryLike;
  not(filter: unknown): QueryLike;
  ascending(...fields: string[]): QueryLike;
  descending(...fields: string[]): QueryLike;
  limit(n: number): QueryLike;
  skip(n: number): QueryLike;
  fields(...fields: string[]): QueryLike;
  find(options?: { returnTotalCount?: boolean; suppressHooks?: boolean }): Promise<ResultLike>;
  count(options?: { suppressHooks?: boolean }): Promise<number>;
  distinct(field: string): Promise<ResultLike>;
}

export interface AggregateLike {
  filter(f: unknown): AggregateLike;
  group(...fields: string[]): AggregateLike;
  sum(field: string, projected?: string): AggregateLike;
  avg(field: string, projected?: string): AggregateLike;
  min(field: string, projected?: string): AggregateLike;
  max(field: string, projected?: string): AggregateLike;
  count(projected?: string): AggregateLike;
  having(f: unknown): AggregateLike;
  ascending(...fields: string[]): AggregateLike;
  descending(...fields: string[]): AggregateLike;
  skip(n: number): AggregateLike;
  limit(n: number): AggregateLike;
  run(options?: { returnTotalCount?: boolean }): Promise<ResultLike>;
}

export interface BulkResultLike {
  inserted: number;
  updated: number;
  removed: number;
  skipped: number;
  insertedItemIds: string[];
  updatedItemIds: string[];
  removedItemIds: string[];
  errors: { code: string; message: string; originalIndex: number; item: unknown }[];
}

type Item = Record<string, unknown>;
type Opts = { suppressHooks?: boolean };

export interface ItemsLike {
  query(collectionId: string): QueryLike;
  filter(): FilterLike;
  aggregate(collectionId: string): AggregateLike;
  get(collectionId: string, id: string, options?: Opts): Promise<Item | null>;
  insert(collectionId: string, item: Item, options?: Opts): Promise<Item>;
  update(collectionId: string, item: Item, options?: Opts): Promise<Item>;
  save(collectionId: string, item: Item, options?: Opts): Promise<Item>;
  remove(collectionId: string, id: string, options?: Opts): Promise<Item | null>;
  truncate(collectionId: string): Promise<unknown>;
  bulkInsert(collectionId: string, items: Item[], options?: Opts): Promise<BulkResultLike>;
  bulkUpdate(collectionId: string, items: Item[], options?: Opts): Promise<BulkResultLike>;
  bulkSave(collectionId: string, items: Item[], options?: Opts): Promise<BulkResultLike>;
  bulkRemove(collectionId: string, ids: string[], options?: Opts): Promise<BulkResultLike>;
}

export interface ContractTarget {
  readonly name: string;
  readonly remote: boolean;
  readonly items: ItemsLike;
  /** The test collection (created if needed). */
  readonly collection: string;
  /** A collection id that does not exist on the target. */
  readonly missingCollection: string;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export const LOCAL_COLLECTION = 'ContractTestItems';
const LOCAL_COLLECTIONS = [{ id: LOCAL_COLLECTION, indexes: [['city'], ['age'], ['name', 'city']] }];

/** A target over emulator `items` (in process or in a worker): the contract collection, cleared by truncate. */
function emulatorTarget<E>(name: string, emulator: E, items: ItemsLike, close: () => Promise<void>): ContractTarget & { readonly emulator: E } {
  return {
    name,
    remote: false,
    emulator,
    items,
    collection: LOCAL_COLLECTION,
    missingCollection: 'NoSuchCollection',
    clear: async () => {
      await items.truncate(LOCAL_COLLECTION);
    },
    close,
  };
}

export function localTarget(): ContractTarget & { readonly emulator: LocalDataEmulator } {
  const emulator = createDataEmulator({ dataDir: null, strictCollections: true, collections: LOCAL_COLLECTIONS });
  return emulatorTarget('local emulator', emulator, emulator.items as unknown as ItemsLike, async () => emulator.close());
}

/** The local emulator in a worker thread: the same `items` surface, served asynchronously by another thread. */
export async function workerTarget(): Promise<ContractTarget & { readonly emulator: RemoteDataEmulator }> {
  const emulator = await createRemoteDataEmulator({ dataDir: null, strictCollections: true, collections: LOCAL_COLLECTIONS });
  return emulatorTarget('local emulator in a worker thread', emulator, emulator.items as unknown as ItemsLike, () => emulator.close());
}

export interface RemoteConfig {
  readonly apiKey: string;
  readonly siteId: string;
  readonly collection: string;
}

export function remoteConfig(env: NodeJS.ProcessEnv = process.env): RemoteConfig | null {
  const apiKey = env['WIX_API_KEY'];
  const siteId = env['WIX_SITE_ID'];
  if (!apiKey || !siteId) return null;
  return { apiKey, siteId, collection: env['WIX_CONTRACT_COLLECTION'] ?? 'ContractTestItems' };
}

/**
 * A real Wix site. The real `@wix/data` is loaded by file path because jest maps the bare name to the
 * local shim. The collection is created when missing (open permissions, no schema).
 */
export async function remoteTarget(config: RemoteConfig): Promise<ContractTarget> {
  const sdk = (await import('@wix/sdk')) as unknown as {
    createClient(o: { modules: Record<string, unknown>; auth: unknown }): Record<string, unknown>;
    ApiKeyStrategy(o: { apiKey: string; siteId: string }): unknown;
  };
  const realData = (await import(join(process.cwd(), 'node_modules/@wix/data/build/cjs/index.js'))) as { items: unknown; collections: unknown };
  const client = sdk.createClient({ modules: { items: realData.items, collections: realData.collections }, auth: sdk.ApiKeyStrategy({ apiKey: config.apiKey, siteId: config.siteId }) });
  const items = client['items'] as ItemsLike;
  const collections = client['collections'] as { createDataCollection(c: Record<string, unknown>): Promise<unknown> };
  try {
    await collections.createDataCollection({
      _id: config.collection,
      displayName: config.collection,
      fields: [],
      permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' },
    });
  } catch {
    // Already exists (or creation not permitted: then it must exist already).
  }
  return {
    name: 'real Wix site',
    remote: true,
    items,
    collection: config.collection,
    missingCollection: `NoSuchCollection${Date.now()}`,
    clear: async () => {
      await items.truncate(config.collection);
    },
    close: async () => undefined,
  };
}
