/**
 * Typed collection access over `@wix/data` `items`. Writes are validated against the collection's
 * zod schema; bulk calls are split into Wix's 1000-item limit (one data request per chunk). Backend
 * jobs and webhooks use `elevated` access (`auth.elevate`), web methods act as the member.
 */
import { items } from '@wix/data';
import { auth } from '@wix/essentials';
import * as z from 'zod';
import type { CollectionDef, ItemOf } from '../collections/define';
import { acceptsUnchanged } from '../collections/check';
import { chunk } from '../util/lists';

export type WixDataQuery = items.WixDataQuery;
export type WixDataFilter = items.WixDataFilter;
export type WixDataAggregate = items.WixDataAggregate;

/** Wix's limits: a query page and a bulk call hold at most 1000 items. */
export const MAX_PAGE_SIZE = 1000;
export const MAX_BULK_ITEMS = 1000;

/** What a caller provides to create an item: no system fields except an optional (deterministic) `_id`. */
export type NewItem<D extends CollectionDef> = Omit<ItemOf<D>, '_id' | '_createdDate' | '_updatedDate' | '_owner'> & { _id?: string };

export interface BulkOutcome {
  inserted: number;
  updated: number;
  removed: number;
  skipped: number;
  insertedItemIds: string[];
  updatedItemIds: string[];
  errors: { index: number; itemId: string | null; code: string; message: string }[];
}

export class ItemValidationError extends Error {
  constructor(
    readonly collectionId: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`Invalid ${collectionId} item: ${issues.map((i) => `${i.path || '(item)'}: ${i.message}`).join('; ')}`);
    this.name = 'ItemValidationError';
  }
}

function emptyOutcome(): BulkOutcome {
  return { inserted: 0, updated: 0, removed: 0, skipped: 0, insertedItemIds: [], updatedItemIds: [], errors: [] };
}

interface RawBulkResult {
  inserted?: number;
  updated?: number;
  removed?: number;
  skipped?: number;
  insertedItemIds?: string[];
  updatedItemIds?: string[];
  errors?: unknown[];
}

function bulkErrorOf(error: unknown, offset: number): BulkOutcome['errors'][number] {
  const e = (error ?? {}) as { index?: unknown; originalIndex?: unknown; item?: { _id?: unknown }; itemId?: unknown; code?: unknown; message?: unknown };
  const index = typeof e.originalIndex === 'number' ? e.originalIndex : typeof e.index === 'number' ? e.index : -1;
  const id = typeof e.itemId === 'string' ? e.itemId : typeof e.item?._id === 'string' ? e.item._id : null;
  return { index: index < 0 ? -1 : index + offset, itemId: id, code: typeof e.code === 'string' ? e.code : 'UNKNOWN', message: typeof e.message === 'string' ? e.message : 'bulk item failed' };
}

function addOutcome(total: BulkOutcome, part: RawBulkResult, offset: number): void {
  total.inserted += part.inserted ?? 0;
  total.updated += part.updated ?? 0;
  total.removed += part.removed ?? 0;
  total.skipped += part.skipped ?? 0;
  total.insertedItemIds.push(...(part.insertedItemIds ?? []));
  total.updatedItemIds.push(...(part.updatedItemIds ?? []));
  total.errors.push(...(part.errors ?? []).map((e) => bulkErrorOf(e, offset)));
}

const newItemSchemas = new WeakMap<CollectionDef, z.ZodType<Record<string, unknown>>>();

/** The collection schema for items about to be created: `_id` optional, `_createdDate`/`_updatedDate`/`_owner` dropped. */
function newItemSchema(def: CollectionDef): z.ZodType<Record<string, unknown>> {
  let schema = newItemSchemas.get(def);
  if (!schema) {
    schema = def.schema.omit({ _createdDate: true, _updatedDate: true, _owner: true }).extend({ _id: z.string().min(1).optional() });
    newItemSchemas.set(def, schema);
  }
  return schema;
}

export class DataCollection<D extends CollectionDef> {
  constructor(
    readonly def: D,
    private readonly elevated: boolean,
  ) {}

  get id(): string {
    return this.def.id;
  }

  private run<F>(fn: F): F {
    return this.elevated ? auth.elevate(fn) : fn;
  }

  /**
   * Validates a full item against the schema and returns the parsed (unknown keys stripped) item:
   * the item itself when zod would return it unchanged (see collections/check.ts), else zod's copy.
   */
  validate(item: unknown): ItemOf<D> {
    if (acceptsUnchanged(this.def.schema, item)) return item as ItemOf<D>;
    const parsed = this.def.schema.safeParse(item);
    if (!parsed.success) {
      throw new ItemValidationError(
        this.def.id,
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    return parsed.data as ItemOf<D>;
  }

  /** A new item: the schema with `_id` optional and the system-managed fields stripped (the item itself, or zod's copy as `validate`). */
  private validateNew(item: NewItem<D>): Record<string, unknown> {
    const schema = newItemSchema(this.def);
    if (acceptsUnchanged(schema, item)) return item;
    const parsed = schema.safeParse(item);
    if (!parsed.success) throw new ItemValidationError(this.def.id, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return parsed.data;
  }

  query(): WixDataQuery {
    return this.run(items.query)(this.def.id);
  }

  filter(): WixDataFilter {
    return items.filter();
  }

  /** An aggregate over the collection (one data request when run). */
  aggregate(): WixDataAggregate {
    return this.run(items.aggregate)(this.def.id);
  }

  async get(id: string): Promise<ItemOf<D> | null> {
    const item = await this.run(items.get)(this.def.id, id);
    return (item ?? null) as ItemOf<D> | null;
  }

  /** One page of a query; `build` adds conditions and sort. */
  async find(build: (q: WixDataQuery) => WixDataQuery = (q) => q, page: { limit?: number; skip?: number } = {}): Promise<ItemOf<D>[]> {
    let q = build(this.query()).limit(Math.min(page.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE));
    if (page.skip) q = q.skip(page.skip);
    const result = await q.find();
    return result.items as ItemOf<D>[];
  }

  async count(build: (q: WixDataQuery) => WixDataQuery = (q) => q): Promise<number> {
    return build(this.query()).count();
  }

  /** Streams every match in pages of ≤1000 (one read per page) without holding them all. */
  async *pages(build: (q: WixDataQuery) => WixDataQuery = (q) => q, pageSize = MAX_PAGE_SIZE): AsyncGenerator<ItemOf<D>[]> {
    let result = await build(this.query()).limit(Math.min(pageSize, MAX_PAGE_SIZE)).find();
    for (;;) {
      if (result.items.length > 0) yield result.items as ItemOf<D>[];
      if (!result.hasNext()) return;
      result = await result.next();
    }
  }

  async insert(item: NewItem<D>): Promise<ItemOf<D>> {
    return (await this.run(items.insert)(this.def.id, this.validateNew(item))) as ItemOf<D>;
  }

  /** Full replace, as Wix's `update`: fields not given are lost. */
  async update(item: ItemOf<D>): Promise<ItemOf<D>> {
    const valid = this.validate(item) as Record<string, unknown> & { _id: string };
    return (await this.run(items.update)(this.def.id, valid)) as ItemOf<D>;
  }

  /**
   * Field-level update (Wix `patch`): only `fields` change, so a concurrent write of other fields is
   * kept. With `condition`, the item is patched only if it matches the filter; the result is then
   * `null` when it didn't. Fields are validated against their own schemas.
   */
  async patch(id: string, fields: Partial<Omit<ItemOf<D>, '_id' | '_createdDate' | '_updatedDate' | '_owner'>>, options: { condition?: WixDataFilter } = {}): Promise<ItemOf<D> | null> {
    const valid = this.patchFields(fields);
    let builder = this.run(items.patch)(this.def.id, id);
    for (const field of Object.keys(fields)) {
      const value = valid[field];
      builder = value === undefined ? builder.removeField(field) : builder.setField(field, value);
    }
    const result: unknown = await builder.run(options.condition ? { condition: options.condition } : {});
    return (result ?? null) as ItemOf<D> | null;
  }

  /**
   * The same field values written to many items (Wix `bulkPatch`, one request per ≤1000 ids), without
   * reading them first. `suppressHooks` when the fields feed nothing the collection's hooks derive.
   * With `condition`, items whose stored value does not match it are skipped (not written).
   */
  async bulkPatch(ids: readonly string[], fields: Partial<Omit<ItemOf<D>, '_id' | '_createdDate' | '_updatedDate' | '_owner'>>, options: { suppressHooks?: boolean; condition?: WixDataFilter } = {}): Promise<BulkOutcome> {
    const valid = this.patchFields(fields);
    return this.bulk([...ids], (part) => {
      let builder = this.run(items.bulkPatch)(this.def.id, part);
      for (const field of Object.keys(fields)) {
        const value = valid[field];
        builder = value === undefined ? builder.removeField(field) : builder.setField(field, value);
      }
      return builder.run({ ...(options.suppressHooks ? { suppressHooks: true } : {}), ...(options.condition ? { condition: options.condition } : {}) });
    });
  }

  async save(item: NewItem<D>): Promise<ItemOf<D>> {
    return (await this.run(items.save)(this.def.id, this.validateNew(item))) as ItemOf<D>;
  }

  /** Patch fields validated against their own schemas (unknown and system fields refused). */
  private patchFields(fields: object): Record<string, unknown> {
    const unknown = Object.keys(fields).filter((k) => !(k in this.def.schema.shape) || k.startsWith('_'));
    if (unknown.length > 0) throw new ItemValidationError(this.def.id, unknown.map((k) => ({ path: k, message: 'not a patchable field' })));
    const parsed = this.def.schema.partial().safeParse(fields);
    if (!parsed.success) throw new ItemValidationError(this.def.id, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    return parsed.data as Record<string, unknown>;
  }

  async remove(id: string): Promise<ItemOf<D> | null> {
    return ((await this.run(items.remove)(this.def.id, id)) ?? null) as ItemOf<D> | null;
  }

  async bulkInsert(list: readonly NewItem<D>[]): Promise<BulkOutcome> {
    return this.bulk(list.map((i) => this.validateNew(i)), (part) => this.run(items.bulkInsert)(this.def.id, part));
  }

  async bulkSave(list: readonly NewItem<D>[]): Promise<BulkOutcome> {
    return this.bulk(list.map((i) => this.validateNew(i)), (part) => this.run(items.bulkSave)(this.def.id, part));
  }

  /** `suppressHooks` when the change feeds nothing the collection's hooks derive. */
  async bulkUpdate(list: readonly ItemOf<D>[], options: { suppressHooks?: boolean } = {}): Promise<BulkOutcome> {
    const valid = list.map((i) => this.validate(i) as Record<string, unknown> & { _id: string });
    return this.bulk(valid, (part) => this.run(items.bulkUpdate)(this.def.id, part, options.suppressHooks ? { suppressHooks: true } : undefined));
  }

  async bulkRemove(ids: readonly string[]): Promise<BulkOutcome> {
    return this.bulk([...ids], (part) => this.run(items.bulkRemove)(this.def.id, part));
  }

  private async bulk<T>(list: T[], call: (part: T[]) => Promise<RawBulkResult>): Promise<BulkOutcome> {
    const total = emptyOutcome();
    let offset = 0;
    for (const part of chunk(list, MAX_BULK_ITEMS)) {
      addOutcome(total, await call(part), offset);
      offset += part.length;
    }
    return total;
  }
}

/** Access as the calling member (web methods): collection permissions apply. */
export function memberCollection<D extends CollectionDef>(def: D): DataCollection<D> {
  return new DataCollection(def, false);
}

/** Elevated access for backend jobs, webhooks and checked web methods. */
export function elevatedCollection<D extends CollectionDef>(def: D): DataCollection<D> {
  return new DataCollection(def, true);
}
