/** The chainable condition methods shared by `WixDataFilter` and `WixDataQuery` (immutable builders). */
import { problems, type DeferredProblem } from './errors';
import { conjunction, type CompareOp, type Cond, type TextOp } from './filter';
import { isComparableKind, kindOf } from './values';

export interface ChainState {
  readonly conds: readonly Cond[];
  readonly problems: readonly DeferredProblem[];
}

export const EMPTY_CHAIN: ChainState = { conds: [], problems: [] };

function flattenValues(values: readonly unknown[]): unknown[] {
  return values.length === 1 && Array.isArray(values[0]) ? [...(values[0] as unknown[])] : [...values];
}

export abstract class Chain {
  protected constructor(readonly chain: ChainState, readonly collectionId: string | null) {}

  protected abstract withChain(chain: ChainState): this;

  /** The conjunction of this chain's conditions (`null` = everything). */
  condition(): Cond | null {
    return conjunction(this.chain.conds);
  }

  private add(cond: Cond | null, ...found: (DeferredProblem | null)[]): this {
    const ps = found.filter((p): p is DeferredProblem => p !== null);
    return this.withChain({
      conds: cond && ps.length === 0 ? [...this.chain.conds, cond] : this.chain.conds,
      problems: [...this.chain.problems, ...ps],
    });
  }

  private fieldProblem(op: string, field: unknown): DeferredProblem | null {
    return typeof field === 'string' ? null : problems.fieldMustBeString(op, field);
  }

  eq(field: string, value: unknown): this {
    return this.add({ op: 'eq', field, value }, this.fieldProblem('.eq', field));
  }
  ne(field: string, value: unknown): this {
    return this.add({ op: 'ne', field, value }, this.fieldProblem('.ne', field));
  }
  private compare(op: CompareOp, field: string, value: unknown): this {
    const bad = isComparableKind(kindOf(value)) ? null : problems.rangeType(`.${op}`, value);
    return this.add({ op, field, value }, this.fieldProblem(`.${op}`, field), bad);
  }
  gt(field: string, value: string | number | Date): this {
    return this.compare('gt', field, value);
  }
  ge(field: string, value: string | number | Date): this {
    return this.compare('ge', field, value);
  }
  lt(field: string, value: string | number | Date): this {
    return this.compare('lt', field, value);
  }
  le(field: string, value: string | number | Date): this {
    return this.compare('le', field, value);
  }
  between(field: string, rangeStart: string | number | Date, rangeEnd: string | number | Date): this {
    const ks = kindOf(rangeStart);
    const ke = kindOf(rangeEnd);
    const bad = !isComparableKind(ks) ? problems.rangeType('.between', rangeStart) : !isComparableKind(ke) ? problems.rangeType('.between', rangeEnd) : ks !== ke ? problems.sameType('.between') : null;
    return this.add({ op: 'between', field, start: rangeStart, end: rangeEnd }, this.fieldProblem('.between', field), bad);
  }
  private text(op: TextOp, field: string, value: string): this {
    const bad = typeof value === 'string' ? null : problems.mustBeString(`.${op}`, value);
    return this.add({ op, field, value }, this.fieldProblem(`.${op}`, field), bad);
  }
  contains(field: string, value: string): this {
    return this.text('contains', field, value);
  }
  startsWith(field: string, value: string): this {
    return this.text('startsWith', field, value);
  }
  endsWith(field: string, value: string): this {
    return this.text('endsWith', field, value);
  }
  hasSome(field: string, ...values: unknown[]): this {
    return this.add({ op: 'hasSome', field, values: flattenValues(values) }, this.fieldProblem('.hasSome', field));
  }
  hasAll(field: string, ...values: unknown[]): this {
    return this.add({ op: 'hasAll', field, values: flattenValues(values) }, this.fieldProblem('.hasAll', field));
  }
  isEmpty(field: string): this {
    return this.add({ op: 'isEmpty', field }, this.fieldProblem('.isEmpty', field));
  }
  isNotEmpty(field: string): this {
    return this.add({ op: 'isNotEmpty', field }, this.fieldProblem('.isNotEmpty', field));
  }

  /** Checks the operand of and/or/not: a filter, or a query of the same collection (else WDE0050). */
  private operand(op: 'and' | 'or' | 'not', other: unknown): { cond: Cond | null; problem: DeferredProblem | null; inherited: readonly DeferredProblem[] } {
    if (!(other instanceof Chain)) return { cond: null, problem: problems.notFilter(op), inherited: [] };
    if (other.collectionId !== null && this.collectionId !== null && other.collectionId !== this.collectionId) {
      return { cond: null, problem: problems.mixed(op, this.collectionId), inherited: [] };
    }
    return { cond: other.condition(), problem: null, inherited: other.chain.problems };
  }

  and(filter: unknown): this {
    const o = this.operand('and', filter);
    if (o.problem || !o.cond) return this.withChain({ conds: this.chain.conds, problems: [...this.chain.problems, ...o.inherited, ...(o.problem ? [o.problem] : [])] });
    return this.withChain({ conds: [...this.chain.conds, o.cond], problems: [...this.chain.problems, ...o.inherited] });
  }

  or(filter: unknown): this {
    const o = this.operand('or', filter);
    const ps = [...this.chain.problems, ...o.inherited, ...(o.problem ? [o.problem] : [])];
    if (o.problem) return this.withChain({ conds: this.chain.conds, problems: ps });
    const mine = this.condition();
    // Either side without conditions matches everything, so the disjunction does too.
    const conds: Cond[] = mine && o.cond ? [{ op: 'or', children: [mine, o.cond] }] : [];
    return this.withChain({ conds, problems: ps });
  }

  not(filter: unknown): this {
    const o = this.operand('not', filter);
    const ps = [...this.chain.problems, ...o.inherited, ...(o.problem ? [o.problem] : [])];
    if (o.problem) return this.withChain({ conds: this.chain.conds, problems: ps });
    const negated: Cond = o.cond ? { op: 'not', child: o.cond } : { op: 'not', child: { op: 'and', children: [] } };
    return this.withChain({ conds: [...this.chain.conds, negated], problems: ps });
  }
}

/** `items.filter()`: a filter not bound to a collection. */
export class FilterBuilder extends Chain {
  constructor(chain: ChainState = EMPTY_CHAIN) {
    super(chain, null);
  }
  protected withChain(chain: ChainState): this {
    return new FilterBuilder(chain) as this;
  }
}
