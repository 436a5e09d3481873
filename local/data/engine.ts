/** Shared state of one emulator: the database, collection stores, accounting, hooks, and the request wrapper. */
import { currentCall, runInCall, type CallContext } from '../runtime';
import { Accounting } from './accounting';
import { errors } from './errors';
import { hookContext, HookRunner, type HookContext } from './hooks';
import { CollectionStore, openDatabase, type Db } from './store';
import type { DataEmulatorOptions, DataRequestInfo, EmulatedCollectionConfig } from './types';
import type { Item } from './values';

export class Engine {
  readonly db: Db;
  readonly accounting: Accounting;
  readonly hooks: HookRunner;
  readonly now: () => number;
  private readonly configs = new Map<string, EmulatedCollectionConfig>();
  private readonly stores = new Map<string, CollectionStore>();

  constructor(readonly options: DataEmulatorOptions) {
    this.db = openDatabase(options.dataDir);
    this.now = options.now ?? Date.now;
    this.accounting = new Accounting(options, this.now);
    this.hooks = new HookRunner(options.hooks ?? {});
    for (const c of options.collections) this.configs.set(c.id, c);
  }

  config(collectionId: string): EmulatedCollectionConfig | undefined {
    return this.configs.get(collectionId);
  }

  /** The collection's store; unknown collections are WDE0025 with strictCollections, else created on first use. */
  store(collectionId: string): CollectionStore {
    let s = this.stores.get(collectionId);
    if (s) return s;
    let config = this.configs.get(collectionId);
    if (!config) {
      if (this.options.strictCollections) throw errors.noCollection(collectionId);
      config = { id: collectionId, indexes: [] };
      this.configs.set(collectionId, config);
    }
    s = new CollectionStore(this.db, config);
    this.stores.set(collectionId, s);
    return s;
  }

  /** Validates the collection and admits one request (accounting + quota). */
  begin(info: DataRequestInfo): CollectionStore {
    const s = this.store(info.collectionId);
    this.accounting.admit(info);
    return s;
  }

  /** Store work of a write request: one transaction, timed (a WDE0028 rolls it back). */
  write<T>(info: DataRequestInfo, work: () => T): T {
    return this.db.transaction(() => this.accounting.timed(info, work))();
  }

  read<T>(info: DataRequestInfo, work: () => T): T {
    return this.accounting.timed(info, work);
  }

  hookContext(collectionId: string, call: CallContext, currentItem?: Item | null): HookContext {
    return hookContext(collectionId, call, currentItem);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Runs a request as `captured` (the call a builder was created in), unless the current call is
 * elevated. This makes `auth.elevate(items.query)('C').find()` run elevated as on Wix.
 */
export function runAs<T>(captured: CallContext, fn: (call: CallContext) => Promise<T>): Promise<T> {
  const now = currentCall();
  const call = now.elevated ? now : captured;
  return runInCall(call, () => fn(call));
}
