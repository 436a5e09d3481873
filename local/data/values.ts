/**
 * Value handling shared by the evaluator, the store and the builders: JSON encoding with tagged
 * Dates, dotted paths, and Wix Data's type-strict comparison (reference §3.2).
 */
import { memoize } from '../memo';

export type Item = Record<string, unknown>;

/** Dates are stored as `{"$date": "<ISO>"}` so they round-trip as Date objects. */
export const DATE_TAG = '$date';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A JSON-ready copy: Dates become `{"$date": ISO}` (invalid Dates null). */
function storable(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : { [DATE_TAG]: v.toISOString() };
  if (Array.isArray(v)) return v.map(storable);
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) out[k] = storable((v as Record<string, unknown>)[k]);
  return out;
}

/** Turns tagged dates back into Dates, in place (faster than a JSON.parse reviver). */
function revive(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = revive(value[i]);
    return value;
  }
  const obj = value as Record<string, unknown>;
  const tagged = obj[DATE_TAG];
  if (typeof tagged === 'string') {
    let keys = 0;
    for (const _k in obj) keys += 1;
    if (keys === 1) return new Date(tagged);
  }
  for (const k in obj) {
    const v = obj[k];
    if (typeof v === 'object' && v !== null) obj[k] = revive(v);
  }
  return obj;
}

const plainDateToJSON = Date.prototype.toJSON;
/**
 * ISO texts of recently formatted instants: the items of one bulk write mostly share a few
 * timestamps (`_createdDate`, `_updatedDate`, the wave's `at`), and `toISOString` is the costly part.
 */
const isoOf = memoize((instant: number) => new Date(instant).toISOString(), 256);
function taggedDateToJSON(this: Date): { [DATE_TAG]: string } | null {
  const instant = this.getTime();
  return Number.isNaN(instant) ? null : { [DATE_TAG]: isoOf(instant) };
}

/**
 * JSON with tagged Dates. Same output as `JSON.stringify(storable(value))`, without building a copy
 * first: for the duration of this synchronous call Dates serialise themselves tagged (the hot path
 * of bulk writes; nothing else can run in between).
 */
export function encode(value: unknown): string {
  Date.prototype.toJSON = taggedDateToJSON as unknown as typeof Date.prototype.toJSON;
  try {
    return JSON.stringify(value);
  } finally {
    Date.prototype.toJSON = plainDateToJSON;
  }
}

/** The reference encoding `encode` must equal (kept for tests). */
export function encodeByCopy(value: unknown): string {
  return JSON.stringify(storable(value));
}

export function decode(text: string): Item {
  return revive(JSON.parse(text)) as Item;
}

function copyValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (Array.isArray(v)) return v.map(copyValue);
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && typeof x !== 'function') out[k] = copyValue(x);
  }
  return out;
}

/** A deep copy that keeps Dates (the SDK never mutates the caller's object). Drops undefined values, as JSON does. */
export function cloneItem(item: Item): Item {
  return copyValue(item) as Item;
}

export function getPath(item: unknown, field: string): unknown {
  if (!field.includes('.')) return isPlainObject(item) ? item[field] : undefined;
  let cur: unknown = item;
  for (const part of field.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export type Kind = 'missing' | 'null' | 'number' | 'string' | 'boolean' | 'date' | 'array' | 'object';

export function kindOf(v: unknown): Kind {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

export function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === null;
}

/** Sort rank across types (missing/null lowest; then numbers, strings, objects, arrays, booleans, dates). */
export function typeRank(k: Kind): number {
  switch (k) {
    case 'missing':
    case 'null':
      return 0;
    case 'number':
      return 1;
    case 'string':
      return 2;
    case 'object':
      return 3;
    case 'array':
      return 4;
    case 'boolean':
      return 5;
    case 'date':
      return 6;
  }
}

/** Total order used for sorting, min/max and distinct. */
export function compareValues(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  const r = typeRank(ka) - typeRank(kb);
  if (r !== 0) return r;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (ka === 'missing' || ka === 'null') return 0;
  const ea = encode(a);
  const eb = encode(b);
  return ea < eb ? -1 : ea > eb ? 1 : 0;
}

/** Type-strict equality: "5" ≠ 5, a Date equals a Date with the same instant, never a string. */
export function strictEquals(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  switch (ka) {
    case 'date':
      return (a as Date).getTime() === (b as Date).getTime();
    case 'array':
    case 'object':
      return encode(a) === encode(b);
    case 'missing':
    case 'null':
      return true;
    case 'number':
    case 'string':
    case 'boolean':
      return a === b;
  }
}

/** Kinds that ordering operators accept as operands. */
export function isComparableKind(k: Kind): k is 'number' | 'string' | 'date' {
  return k === 'number' || k === 'string' || k === 'date';
}
