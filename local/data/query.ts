/** `items.query(collectionId)`: the fluent `WixDataQuery` and its execution (find / count / distinct). */
import type { CallContext } from '../runtime';
import { Chain, EMPTY_CHAIN, type ChainState } from './chain';
import { deferredError, errors, problems, type DeferredProblem } from './errors';
import { runAs, type Engine } from './engine';
import { conjunction, type Cond } from './filter';
import { acceptNumber, acceptItem } from './hooks';
import { checkPermission, readScope } from './permissions';
import type { SortTerm } from './store';
import { makeResult, type PageResult } from './result';
import { compareValues, getPath, type Item } from './values';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface QueryOptions {
  readonly returnTotalCount?: boolean;
  readonly suppressHooks?: boolean;
  readonly consistentRead?: boolean;
}

interface QueryState {
  readonly sort: readonly SortTerm[];
  readonly limit: number | undefined;
  readonly skip: number;
  readonly fields: readonly string[] | null;
  readonly extra: readonly DeferredProblem[];
}

const INITIAL: QueryState = { sort: [], limit: undefined, skip: 0, fields: null, extra: [] };

function sortFields(args: readonly unknown[]): string[] {
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : [...args];
  return flat.filter((f): f is string => typeof f === 'string');
}

export class QueryBuilder extends Chain {
  constructor(
    private readonly engine: Engine,
    collectionId: string,
    readonly call: CallContext,
    chain: ChainState = EMPTY_CHAIN,
    private readonly q: QueryState = INITIAL,
  ) {
    super(chain, collectionId);
  }

  get collection(): string {
    return this.collectionId ?? '';
  }

  protected withChain(chain: ChainState): this {
    return new QueryBuilder(this.engine, this.collection, this.call, chain, this.q) as this;
  }

  private with(q: Partial<QueryState>): QueryBuilder {
    return new QueryBuilder(this.engine, this.collection, this.call, this.chain, { ...this.q, ...q });
  }

  ascending(...fields: unknown[]): QueryBuilder {
    return this.with({ sort: [...this.q.sort, ...sortFields(fields).map((field) => ({ field, dir: 'asc' as const }))] });
  }
  descending(...fields: unknown[]): QueryBuilder {
    return this.with({ sort: [...this.q.sort, ...sortFields(fields).map((field) => ({ field, dir: 'desc' as const }))] });
  }
  limit(limitNumber: number): QueryBuilder {
    const p = typeof limitNumber !== 'number' || limitNumber <= 0 ? problems.positive('.limit', limitNumber) : !Number.isInteger(limitNumber) ? problems.integer('.limit', limitNumber) : null;
    return this.with({ limit: p ? this.q.limit : limitNumber, extra: p ? [...this.q.extra, p] : this.q.extra });
  }
  skip(skipCount: number): QueryBuilder {
    const p = typeof skipCount !== 'number' || skipCount < 0 ? problems.nonNegative('.skip', skipCount) : !Number.isInteger(skipCount) ? problems.integer('.skip', skipCount) : null;
    return this.with({ skip: p ? this.q.skip : skipCount, extra: p ? [...this.q.extra, p] : this.q.extra });
  }
  fields(...fields: string[]): QueryBuilder {
    return this.with({ fields: [...(this.q.fields ?? []), ...fields] });
  }
  /** References are not emulated: `include` is accepted and ignored. */
  include(..._args: unknown[]): QueryBuilder {
    return this;
  }

  private self(): QueryBuilder {
    return this;
  }

  get pageSize(): number {
    return this.q.limit ?? DEFAULT_LIMIT;
  }

  private validate(): void {
    const all = [...this.chain.problems, ...this.q.extra];
    if (all.length > 0) throw deferredError('query', this.collection, all);
    if (this.pageSize > MAX_LIMIT) throw errors.limitTooLarge(MAX_LIMIT);
  }

  find(options: QueryOptions = {}): Promise<PageResult<Item>> {
    return runAs(this.call, async (call) => {
      this.validate();
      const engine = this.engine;
      const info = { collectionId: this.collection, kind: 'read', operation: 'find' } as const;
      const store = engine.begin(info);
      const config = engine.config(this.collection);
      checkPermission(config, 'read', call);
      const ctx = engine.hookContext(this.collection, call);
      let query = this.self();
      try {
        if (!options.suppressHooks) query = await engine.hooks.run(this.collection, 'beforeQuery', query, ctx, (v): v is QueryBuilder => v instanceof QueryBuilder);
        query.validate();
        const filter = withScope(query.condition(), readScope(config, call));
        const size = query.pageSize;
        const { rows, total } = engine.read(info, () => ({
          rows: store.find(filter, query.q.sort, query.q.skip, size + 1),
          total: options.returnTotalCount ? store.count(filter) : undefined,
        }));
        let items = rows.slice(0, size);
        if (!options.suppressHooks && engine.hooks.has(this.collection, 'afterQuery')) {
          const out: Item[] = [];
          for (const item of items) out.push(await engine.hooks.run(this.collection, 'afterQuery', item, ctx, acceptItem));
          items = out;
        }
        if (query.q.fields) {
          const tops = projectedTops(query.q.fields);
          items = items.map((i) => project(i, tops));
        }
        return makeResult({
          items,
          pageSize: size,
          skip: query.q.skip,
          hasMore: rows.length > size,
          totalCount: total,
          page: (skip) => query.skip(skip).find(options),
          collectionId: this.collection,
        });
      } catch (e) {
        if (!options.suppressHooks) await engine.hooks.failure(this.collection, e, ctx);
        throw e;
      }
    });
  }

  count(options: QueryOptions = {}): Promise<number> {
    return runAs(this.call, async (call) => {
      this.validate();
      const engine = this.engine;
      const info = { collectionId: this.collection, kind: 'read', operation: 'count' } as const;
      const store = engine.begin(info);
      const config = engine.config(this.collection);
      checkPermission(config, 'read', call);
      const ctx = engine.hookContext(this.collection, call);
      try {
        let query = this.self();
        if (!options.suppressHooks) query = await engine.hooks.run(this.collection, 'beforeCount', query, ctx, (v): v is QueryBuilder => v instanceof QueryBuilder);
        const filter = withScope(query.condition(), readScope(config, call));
        const n = engine.read(info, () => store.count(filter));
        return options.suppressHooks ? n : await engine.hooks.run(this.collection, 'afterCount', n, ctx, acceptNumber);
      } catch (e) {
        if (!options.suppressHooks) await engine.hooks.failure(this.collection, e, ctx);
        throw e;
      }
    });
  }

  /** Local diagnostics (not a Wix API): SQLite's plan for this query's filter and sort. */
  explainPlan(): string[] {
    return this.engine.store(this.collection).plan(this.condition(), this.q.sort);
  }

  /** Distinct values of `field` among matching items (array values contribute their elements), ascending, one page. */
  distinct(field: string, _options: QueryOptions = {}): Promise<PageResult<unknown>> {
    return runAs(this.call, async (call) => {
      this.validate();
      const engine = this.engine;
      const info = { collectionId: this.collection, kind: 'read', operation: 'distinct' } as const;
      const store = engine.begin(info);
      const config = engine.config(this.collection);
      checkPermission(config, 'read', call);
      const filter = withScope(this.condition(), readScope(config, call));
      const all = engine.read(info, () => store.findAll(filter));
      const values: unknown[] = [];
      const seen = new Set<string>();
      for (const item of all) {
        const v = getPath(item, field);
        for (const x of Array.isArray(v) ? v : [v]) {
          if (x === undefined || x === null) continue;
          const key = `${typeof x}:${x instanceof Date ? x.toISOString() : JSON.stringify(x)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          values.push(x);
        }
      }
      values.sort(compareValues);
      return makeResult({ items: values, pageSize: values.length, skip: 0, hasMore: false, totalCount: values.length, page: null, collectionId: this.collection });
    });
  }
}

export function withScope(filter: Cond | null, scope: Cond | null): Cond | null {
  if (!scope) return filter;
  return conjunction(filter ? [filter, scope] : [scope]);
}

/** The top-level fields a projection keeps (`a.b` keeps all of `a`), each once. */
function projectedTops(fields: readonly string[]): string[] {
  return [...new Set(fields.map((f) => f.split('.')[0] ?? f))].filter((top) => top !== '_id');
}

function project(item: Item, tops: readonly string[]): Item {
  const out: Item = { _id: item['_id'] };
  for (const top of tops) if (top in item) out[top] = item[top];
  return out;
}
