/** The filter tree the builders produce, and its exact evaluator (Wix Data semantics, reference §3.2). */
import { compareValues, getPath, isComparableKind, isEmptyValue, kindOf, strictEquals, type Item } from './values';

export type CompareOp = 'gt' | 'ge' | 'lt' | 'le';
export type TextOp = 'contains' | 'startsWith' | 'endsWith';

export type Cond =
  | { readonly op: 'eq' | 'ne'; readonly field: string; readonly value: unknown }
  | { readonly op: CompareOp; readonly field: string; readonly value: unknown }
  | { readonly op: 'between'; readonly field: string; readonly start: unknown; readonly end: unknown }
  | { readonly op: TextOp; readonly field: string; readonly value: string }
  | { readonly op: 'hasSome' | 'hasAll'; readonly field: string; readonly values: readonly unknown[] }
  | { readonly op: 'isEmpty' | 'isNotEmpty'; readonly field: string }
  | { readonly op: 'and' | 'or'; readonly children: readonly Cond[] }
  | { readonly op: 'not'; readonly child: Cond };

/** Conjunction of a chain's conditions (`null` = no condition, matches everything). */
export function conjunction(conds: readonly Cond[]): Cond | null {
  if (conds.length === 0) return null;
  if (conds.length === 1) return conds[0] ?? null;
  return { op: 'and', children: conds };
}

function eqValue(stored: unknown, value: unknown): boolean {
  if (isEmptyValue(value)) return isEmptyValue(stored);
  if (Array.isArray(stored) && !Array.isArray(value)) return stored.some((e) => strictEquals(e, value));
  return strictEquals(stored, value);
}

/**
 * Ordering comparisons are type-strict; items without a value rank lowest, so they satisfy
 * `lt`/`le` and never `gt`/`ge`. Array fields match when any element satisfies the comparison.
 */
function compareMatch(stored: unknown, op: CompareOp, value: unknown): boolean {
  if (Array.isArray(stored)) return stored.some((e) => !Array.isArray(e) && compareMatch(e, op, value));
  const ks = kindOf(stored);
  if (ks === 'missing' || ks === 'null') return op === 'lt' || op === 'le';
  const kv = kindOf(value);
  if (ks !== kv || !isComparableKind(kv)) return false;
  const c = compareValues(stored, value);
  switch (op) {
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

function textMatch(stored: unknown, op: TextOp, value: string): boolean {
  if (Array.isArray(stored)) return stored.some((e) => textMatch(e, op, value));
  if (typeof stored !== 'string') return false;
  const s = stored.toLowerCase();
  const v = value.toLowerCase();
  switch (op) {
    case 'contains':
      return s.includes(v);
    case 'startsWith':
      return s.startsWith(v);
    case 'endsWith':
      return s.endsWith(v);
  }
}

export function matches(cond: Cond | null, item: Item): boolean {
  if (cond === null) return true;
  switch (cond.op) {
    case 'eq':
      return eqValue(getPath(item, cond.field), cond.value);
    case 'ne':
      return !eqValue(getPath(item, cond.field), cond.value);
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return compareMatch(getPath(item, cond.field), cond.op, cond.value);
    case 'between': {
      const v = getPath(item, cond.field);
      if (Array.isArray(v)) return v.some((e) => compareMatch(e, 'ge', cond.start) && compareMatch(e, 'lt', cond.end));
      return compareMatch(v, 'ge', cond.start) && compareMatch(v, 'lt', cond.end);
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return textMatch(getPath(item, cond.field), cond.op, cond.value);
    case 'hasSome': {
      const v = getPath(item, cond.field);
      return cond.values.some((x) => eqValue(v, x));
    }
    case 'hasAll': {
      const v = getPath(item, cond.field);
      return cond.values.every((x) => eqValue(v, x));
    }
    case 'isEmpty':
      return isEmptyValue(getPath(item, cond.field));
    case 'isNotEmpty':
      return !isEmptyValue(getPath(item, cond.field));
    case 'and':
      return cond.children.every((c) => matches(c, item));
    case 'or':
      return cond.children.some((c) => matches(c, item));
    case 'not':
      return !matches(cond.child, item);
  }
}
