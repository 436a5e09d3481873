/** `items.aggregate(collectionId)`: filter → group → sum/avg/min/max/count → having → sort → skip/limit. */
import type { CallContext } from '../runtime';
import { Chain } from './chain';
import { deferredError, errors, problems, type DeferredProblem } from './errors';
import { runAs, type Engine } from './engine';
import { conjunction, matches, type Cond } from './filter';
import { checkPermission, readScope } from './permissions';
import { withScope, DEFAULT_LIMIT, MAX_LIMIT } from './query';
import { makeResult, type PageResult } from './result';
import { compareBySort, type CollectionStore, type SortTerm } from './store';
import { compareValues, encode, getPath, type Item } from './values';

type Accumulator = { readonly kind: 'sum' | 'avg' | 'min' | 'max'; readonly field: string; readonly name: string } | { readonly kind: 'count'; readonly name: string };

interface AggState {
  readonly filter: Cond | null;
  readonly having: Cond | null;
  readonly group: readonly string[] | null;
  readonly accs: readonly Accumulator[];
  readonly sort: readonly SortTerm[];
  readonly skip: number;
  readonly limit: number | undefined;
  readonly problems: readonly DeferredProblem[];
}

const INITIAL: AggState = { filter: null, having: null, group: null, accs: [], sort: [], skip: 0, limit: undefined, problems: [] };

function capitalized(s: string): string {
  return s.length === 0 ? s : `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
}

export class AggregateBuilder {
  constructor(private readonly engine: Engine, readonly collectionId: string, private readonly call: CallContext, private readonly s: AggState = INITIAL) {}

  private with(s: Partial<AggState>): AggregateBuilder {
    return new AggregateBuilder(this.engine, this.collectionId, this.call, { ...this.s, ...s });
  }
  private problem(p: DeferredProblem): AggregateBuilder {
    return this.with({ problems: [...this.s.problems, p] });
  }
  private chainCond(op: string, f: unknown): { cond: Cond | null; problem: DeferredProblem | null } {
    if (!(f instanceof Chain)) return { cond: null, problem: problems.notFilter(op) };
    if (f.collectionId !== null && f.collectionId !== this.collectionId) return { cond: null, problem: problems.mixed(op, this.collectionId) };
    if (f.chain.problems[0]) return { cond: null, problem: f.chain.problems[0] };
    return { cond: f.condition(), problem: null };
  }

  filter(filter: unknown): AggregateBuilder {
    const c = this.chainCond('filter', filter);
    if (c.problem) return this.problem(c.problem);
    if (this.s.filter) return this.problem({ code: 'WDE0012', message: 'WDE0012: Invalid .filter usage. Filter is already set.' });
    return this.with({ filter: c.cond });
  }
  having(filter: unknown): AggregateBuilder {
    const c = this.chainCond('having', filter);
    return c.problem ? this.problem(c.problem) : this.with({ having: c.cond });
  }
  group(...fields: string[]): AggregateBuilder {
    if (this.s.group) return this.problem({ code: 'WDE0013', message: 'WDE0013: Invalid .group usage. Group is already set.' });
    return this.with({ group: fields });
  }
  private acc(kind: 'sum' | 'avg' | 'min' | 'max', field: string, projected?: string): AggregateBuilder {
    return this.with({ accs: [...this.s.accs, { kind, field, name: projected ?? `${field}${capitalized(kind)}` }] });
  }
  sum(field: string, projectedField?: string): AggregateBuilder {
    return this.acc('sum', field, projectedField);
  }
  avg(field: string, projectedField?: string): AggregateBuilder {
    return this.acc('avg', field, projectedField);
  }
  min(field: string, projectedField?: string): AggregateBuilder {
    return this.acc('min', field, projectedField);
  }
  max(field: string, projectedField?: string): AggregateBuilder {
    return this.acc('max', field, projectedField);
  }
  count(projectedField = 'count'): AggregateBuilder {
    return this.with({ accs: [...this.s.accs, { kind: 'count', name: projectedField }] });
  }
  ascending(...fields: string[]): AggregateBuilder {
    return this.with({ sort: [...this.s.sort, ...fields.flat().map((field) => ({ field, dir: 'asc' as const }))] });
  }
  descending(...fields: string[]): AggregateBuilder {
    return this.with({ sort: [...this.s.sort, ...fields.flat().map((field) => ({ field, dir: 'desc' as const }))] });
  }
  skip(n: number): AggregateBuilder {
    if (typeof n !== 'number' || n < 0) return this.problem(problems.nonNegative('.skip', n));
    return Number.isInteger(n) ? this.with({ skip: n }) : this.problem(problems.integer('.skip', n));
  }
  limit(n: number): AggregateBuilder {
    if (typeof n !== 'number' || n <= 0) return this.problem(problems.positive('.limit', n));
    return Number.isInteger(n) ? this.with({ limit: n }) : this.problem(problems.integer('.limit', n));
  }

  run(options: { returnTotalCount?: boolean } = {}): Promise<PageResult<Item>> {
    return runAs(this.call, async (call) => {
      if (this.s.problems.length > 0) throw deferredError('aggregation', this.collectionId, this.s.problems);
      const limit = this.s.limit ?? DEFAULT_LIMIT;
      if (limit > MAX_LIMIT) throw errors.limitTooLarge(MAX_LIMIT);
      const info = { collectionId: this.collectionId, kind: 'read', operation: 'aggregate' } as const;
      const store = this.engine.begin(info);
      const config = this.engine.config(this.collectionId);
      checkPermission(config, 'read', call);
      const filter = withScope(this.s.filter, readScope(config, call));
      const rows = this.engine.read(info, () => this.totalsInSql(store, filter) ?? this.groupedInSql(store, filter) ?? this.compute(store.findAll(filter)));
      const page = rows.slice(this.s.skip, this.s.skip + limit);
      return makeResult({
        items: page,
        pageSize: limit,
        skip: this.s.skip,
        hasMore: rows.length > this.s.skip + limit,
        totalCount: options.returnTotalCount ? rows.length : undefined,
        page: (skip) => this.with({ skip }).run(options),
        collectionId: this.collectionId,
      });
    });
  }

  /**
   * Fast path for an ungrouped count/sum aggregate over an exactly translatable filter: one SQL
   * statement instead of decoding every matching item. Same rows as `compute` (none when nothing matches).
   */
  private totalsInSql(store: CollectionStore, filter: Cond | null): Item[] | null {
    if (this.s.group !== null || this.s.having !== null || this.s.accs.length === 0) return null;
    const sums: string[] = [];
    for (const acc of this.s.accs) {
      if (acc.kind === 'count') continue;
      if (acc.kind !== 'sum') return null;
      sums.push(acc.field);
    }
    const totals = store.totals(filter, sums);
    if (!totals) return null;
    if (totals.count === 0) return [];
    const row: Item = { _id: '0' };
    let next = 0;
    for (const acc of this.s.accs) row[acc.name] = acc.kind === 'count' ? totals.count : (totals.sums[next++] ?? 0);
    return [row];
  }

  /**
   * Fast path for a grouped count/sum aggregate (no having) over an exactly translatable filter:
   * one GROUP BY statement instead of decoding every matching item. Same rows, in the same order,
   * as `compute`; `null` (compute runs) whenever the store cannot say so exactly.
   */
  private groupedInSql(store: CollectionStore, filter: Cond | null): Item[] | null {
    const groupFields = this.s.group;
    if (groupFields === null || groupFields.length === 0 || this.s.having !== null || this.s.accs.length === 0) return null;
    const sums: string[] = [];
    for (const acc of this.s.accs) {
      if (acc.kind === 'count') continue;
      if (acc.kind !== 'sum') return null;
      sums.push(acc.field);
    }
    const groups = store.groupTotals(filter, groupFields, sums);
    if (!groups) return null;
    const rows = groups.map(({ key, count, sums: totals }) => {
      const row: Item = {};
      row['_id'] = groupFields.length === 1 ? key[0] : Object.fromEntries(groupFields.map((f, i) => [f, key[i]]));
      groupFields.forEach((f, i) => {
        row[f] = key[i];
      });
      let next = 0;
      for (const acc of this.s.accs) row[acc.name] = acc.kind === 'count' ? count : (totals[next++] ?? 0);
      return row;
    });
    if (this.s.sort.length > 0) rows.sort((a, b) => compareBySort(a, b, this.s.sort));
    return rows;
  }

  private compute(items: readonly Item[]): Item[] {
    const groupFields = this.s.group ?? [];
    const groups = new Map<string, { key: unknown[]; members: Item[] }>();
    for (const item of items) {
      const key = groupFields.map((f) => getPath(item, f) ?? null);
      const k = encode(key);
      const g = groups.get(k) ?? { key, members: [] };
      g.members.push(item);
      groups.set(k, g);
    }
    const rows: Item[] = [];
    for (const { key, members } of groups.values()) {
      const row: Item = {};
      if (groupFields.length === 1) row['_id'] = key[0];
      else if (groupFields.length > 1) row['_id'] = Object.fromEntries(groupFields.map((f, i) => [f, key[i]]));
      else row['_id'] = '0';
      groupFields.forEach((f, i) => {
        row[f] = key[i];
      });
      for (const acc of this.s.accs) row[acc.name] = accumulate(acc, members);
      rows.push(row);
    }
    const having = conjunction(this.s.having ? [this.s.having] : []);
    const kept = rows.filter((r) => matches(having, r));
    if (this.s.sort.length > 0) kept.sort((a, b) => compareBySort(a, b, this.s.sort));
    return kept;
  }
}

function accumulate(acc: Accumulator, members: readonly Item[]): unknown {
  if (acc.kind === 'count') return members.length;
  const values = members.map((m) => getPath(m, acc.field)).filter((v) => v !== undefined && v !== null);
  switch (acc.kind) {
    case 'sum':
      return values.reduce<number>((s, v) => (typeof v === 'number' ? s + v : s), 0);
    case 'avg': {
      const nums = values.filter((v): v is number => typeof v === 'number');
      return nums.length === 0 ? null : nums.reduce((s, v) => s + v, 0) / nums.length;
    }
    case 'min':
      return values.length === 0 ? null : values.reduce((m, v) => (compareValues(v, m) < 0 ? v : m));
    case 'max':
      return values.length === 0 ? null : values.reduce((m, v) => (compareValues(v, m) > 0 ? v : m));
  }
}
