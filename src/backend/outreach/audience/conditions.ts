/**
 * Neutral query conditions on DriverProfiles fields: what an audience filter compiles to and what
 * the data adapter maps one-to-one onto a Wix Data query (`eq`, `ne`, `hasSome`, `hasAll`, `ge`,
 * `lt`, `between`, `isEmpty`, `isNotEmpty`, `or`, `not`). `matchesCondition` evaluates the same
 * conditions in memory with Wix Data semantics (reference §3.2), for counting several channels in
 * one streaming pass.
 */

/** Fields conditions may name: DriverProfiles fields and dotted paths into consent records. */
export const DRIVER_QUERY_FIELDS = [
  '_id',
  'cdl_class',
  'endorsements',
  'status',
  'years_experience',
  'home_state',
  'home_lat',
  'home_lng',
  'tags',
  'phone',
  'phone_valid',
  'phone_line_type',
  'email',
  'email_valid',
  'email_suppressed_reason',
  'sms_opted_out_at',
  'sms_reachable',
  'email_reachable',
  'voicemail_reachable',
  'last_sms_at',
  'last_email_at',
  'sms_consent.granted',
  'sms_consent.revoked_at',
  'email_consent.granted',
  'email_consent.revoked_at',
  'voice_consent.granted',
  'voice_consent.revoked_at',
] as const;
export type DriverQueryField = (typeof DRIVER_QUERY_FIELDS)[number];

export type ConditionValue = string | number | boolean | Date;
export type RangeValue = number | Date;

/** One condition; a list of conditions is a conjunction (AND). */
export type DriverCondition =
  | { readonly op: 'eq' | 'ne'; readonly field: DriverQueryField; readonly value: ConditionValue }
  | { readonly op: 'hasSome' | 'hasAll'; readonly field: DriverQueryField; readonly values: readonly string[] }
  | { readonly op: 'ge' | 'lt'; readonly field: DriverQueryField; readonly value: RangeValue }
  /** `start <= value < end`, as Wix's `between` (end exclusive). */
  | { readonly op: 'between'; readonly field: DriverQueryField; readonly start: number; readonly end: number }
  | { readonly op: 'isEmpty' | 'isNotEmpty'; readonly field: DriverQueryField }
  /** Disjunction of conjunctions: matches when every condition of at least one branch matches. */
  | { readonly op: 'or'; readonly branches: readonly (readonly DriverCondition[])[] }
  /** Matches when the conjunction does not. */
  | { readonly op: 'not'; readonly all: readonly DriverCondition[] };

function valueAt(item: object, field: DriverQueryField): unknown {
  let current: unknown = item;
  for (const key of field.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined;
}

function sameValue(stored: unknown, value: ConditionValue): boolean {
  if (value instanceof Date) return stored instanceof Date && stored.getTime() === value.getTime();
  return stored === value;
}

/** Wix `eq`: type-strict; on an array field, true when any element equals the value. */
function equals(stored: unknown, value: ConditionValue): boolean {
  if (Array.isArray(stored)) return stored.some((e) => sameValue(e, value));
  return sameValue(stored, value);
}

function comparable(stored: unknown, value: RangeValue): number | null {
  if (typeof value === 'number') return typeof stored === 'number' ? stored - value : null;
  return stored instanceof Date ? stored.getTime() - value.getTime() : null;
}

/** Wix ordering: type-strict; items without a value rank lowest (they satisfy `lt`, never `ge`). */
function compare(stored: unknown, op: 'ge' | 'lt', value: RangeValue): boolean {
  if (Array.isArray(stored)) return stored.some((e) => !Array.isArray(e) && compare(e, op, value));
  if (isEmptyValue(stored)) return op === 'lt';
  const c = comparable(stored, value);
  if (c === null) return false;
  return op === 'ge' ? c >= 0 : c < 0;
}

export function matchesCondition(item: object, condition: DriverCondition): boolean {
  switch (condition.op) {
    case 'eq':
      return equals(valueAt(item, condition.field), condition.value);
    case 'ne':
      return !equals(valueAt(item, condition.field), condition.value);
    case 'hasSome': {
      const stored = valueAt(item, condition.field);
      return condition.values.some((v) => equals(stored, v));
    }
    case 'hasAll': {
      const stored = valueAt(item, condition.field);
      return condition.values.every((v) => equals(stored, v));
    }
    case 'ge':
    case 'lt':
      return compare(valueAt(item, condition.field), condition.op, condition.value);
    case 'between': {
      const stored = valueAt(item, condition.field);
      const inRange = (v: unknown): boolean => !isEmptyValue(v) && compare(v, 'ge', condition.start) && compare(v, 'lt', condition.end);
      return Array.isArray(stored) ? stored.some(inRange) : inRange(stored);
    }
    case 'isEmpty':
      return isEmptyValue(valueAt(item, condition.field));
    case 'isNotEmpty':
      return !isEmptyValue(valueAt(item, condition.field));
    case 'or':
      return condition.branches.some((branch) => matchesAll(item, branch));
    case 'not':
      return !matchesAll(item, condition.all);
  }
}

export function matchesAll(item: object, conditions: readonly DriverCondition[]): boolean {
  return conditions.every((c) => matchesCondition(item, c));
}
