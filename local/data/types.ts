/**
 * The contract of the `@wix/data` emulator (local/data/). The local host and the tests create one
 * emulator per run; `local/wix/data.ts` exposes its `items` as `@wix/data`'s `items`.
 */

/** Per collection: which fields are indexed (drives SQLite expression indexes) and who may do what. */
export interface EmulatedCollectionConfig {
  readonly id: string;
  /** Each inner array is one (compound) index, field names in order. */
  readonly indexes: readonly (readonly string[])[];
  /** Unique indexes reject a second item with the same values (WDE0123-style duplicate error). */
  readonly uniqueIndexes?: readonly (readonly string[])[];
  readonly permissions?: {
    readonly read: 'Anyone' | 'SiteMember' | 'Author' | 'Admin';
    readonly insert: 'Anyone' | 'SiteMember' | 'Author' | 'Admin';
    readonly update: 'Anyone' | 'SiteMember' | 'Author' | 'Admin';
    readonly remove: 'Anyone' | 'SiteMember' | 'Author' | 'Admin';
  };
}

/** Data hooks as exported by `backend/data.js`: `<Collection>_<hook>(itemOrId, context)`. */
export type DataHooksModule = Readonly<Record<string, unknown>>;

export interface DataEmulatorOptions {
  /** Directory for the SQLite file; `null` = in memory (tests). */
  readonly dataDir: string | null;
  readonly collections: readonly EmulatedCollectionConfig[];
  /** When true, unknown collections are an error (WDE0025); when false they are created on first use. */
  readonly strictCollections?: boolean;
  readonly hooks?: DataHooksModule;
  /** Wix limits enforced: 3000 reads / 1500 writes per minute (WDE0014), 5 s per request (WDE0028). */
  readonly strict?: boolean;
  /** Quotas per minute in strict mode (defaults 3000 / 1500). */
  readonly quotas?: { readonly readsPerMinute: number; readonly writesPerMinute: number };
  /** Epoch ms; system dates and the quota window use it. */
  readonly now?: () => number;
  /**
   * Testing aid for strict mode's 5 s limit: extra milliseconds added to a request's measured
   * SQLite time (no real waiting), e.g. `() => 6000` makes every request fail with WDE0028.
   */
  readonly requestDelayMs?: (request: DataRequestInfo) => number;
}

/** One data request as accounting sees it. */
export interface DataRequestInfo {
  readonly collectionId: string;
  readonly kind: 'read' | 'write';
  /** `find`, `count`, `distinct`, `get`, `insert`, `update`, `save`, `remove`, `truncate`, `bulkInsert`, …, `aggregate`. */
  readonly operation: string;
}

/** Data-request accounting, per collection and in total. */
export interface DataRequestStats {
  readonly reads: number;
  readonly writes: number;
  readonly byCollection: Readonly<Record<string, { readonly reads: number; readonly writes: number }>>;
  /** Strict mode only: the most reads / writes admitted in any sliding minute since the last reset. */
  readonly peakPerMinute?: { readonly reads: number; readonly writes: number };
}

/** What `createDataEmulator(options)` (local/data/index.ts) returns. */
export interface DataEmulator {
  /** The object `@wix/data` exports as `items` (query builder, get/insert/…/bulk*, aggregate, filter, truncate). */
  readonly items: unknown;
  stats(): DataRequestStats;
  resetStats(): void;
  /** Replaces the hooks module (the host loads the built `backend/data.js`). */
  setHooks(hooks: DataHooksModule): void;
  close(): void;
}
