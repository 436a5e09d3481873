/**
 * A fast first look at an item before zod parses it, for the write paths that carry thousands of
 * items a second (campaign waves, status updates, contact events).
 *
 * `acceptsUnchanged(schema, item)` is true only when zod's `safeParse` would succeed AND return an
 * item equal to the input (same keys, same values): then the input itself can be written and the
 * parse — a copy of every item plus two objects per field — is skipped. It is derived from the
 * collection's zod schema, which stays the one definition: any schema kind or check it does not
 * know (refinements, transforms, defaults, unions, string formats other than a pattern, …) makes
 * it answer `false` for that schema, and so does anything it is not sure of (an unknown key that
 * zod would strip, a wrong value). A `false` answer only means "ask zod": zod then decides, copies
 * and reports the issues exactly as before.
 */
import type * as z from 'zod';

type Test = (value: unknown) => boolean;

interface CheckDef {
  readonly check?: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly length?: number;
  readonly value?: unknown;
  readonly inclusive?: boolean;
}

interface SchemaDef extends CheckDef {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: unknown;
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly values?: readonly unknown[];
  readonly coerce?: boolean;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** A length check (strings and arrays), or null when the check is not a length check. */
function lengthTest(def: CheckDef): ((length: number) => boolean) | null {
  const { minimum, maximum, length } = def;
  switch (def.check) {
    case 'min_length':
      return typeof minimum === 'number' ? (n) => n >= minimum : null;
    case 'max_length':
      return typeof maximum === 'number' ? (n) => n <= maximum : null;
    case 'length_equals':
      return typeof length === 'number' ? (n) => n === length : null;
    default:
      return null;
  }
}

function stringCheck(def: CheckDef): ((s: string) => boolean) | null {
  const byLength = lengthTest(def);
  if (byLength) return (s) => byLength(s.length);
  const { pattern } = def;
  if (def.check === 'string_format' && def.format === 'regex' && pattern instanceof RegExp) {
    return (s) => {
      pattern.lastIndex = 0;
      return pattern.test(s);
    };
  }
  return null;
}

function boundCheck(def: CheckDef, toNumber: (v: unknown) => number): ((n: number) => boolean) | null {
  const bound = def.value;
  if (typeof bound !== 'number' && !(bound instanceof Date)) return null;
  const limit = toNumber(bound);
  switch (def.check) {
    case 'greater_than':
      return def.inclusive ? (n) => n >= limit : (n) => n > limit;
    case 'less_than':
      return def.inclusive ? (n) => n <= limit : (n) => n < limit;
    default:
      return null;
  }
}

function numberCheck(def: CheckDef): ((n: number) => boolean) | null {
  if (def.check === 'number_format') return def.format === 'safeint' ? (n) => Number.isSafeInteger(n) : null;
  return boundCheck(def, Number);
}

function allOf<T>(checks: readonly ((value: T) => boolean)[]): (value: T) => boolean {
  return (value) => {
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

/**
 * Every check of the schema compiled by `compileOne`, or null when one of them is unknown. A format
 * schema (`z.int()`, `z.email()`, `z.url()`, …) is itself a check: its def carries `check`/`format`
 * but its `checks` list is empty, and zod runs it first.
 */
function compileChecks<T>(def: SchemaDef, compileOne: (check: CheckDef) => ((value: T) => boolean) | null): ((value: T) => boolean) | null {
  const compiled: ((value: T) => boolean)[] = [];
  if (def.check !== undefined) {
    const own = compileOne(def);
    if (!own) return null;
    compiled.push(own);
  }
  for (const check of def.checks ?? []) {
    const test = compileOne(check._zod.def);
    if (!test) return null;
    compiled.push(test);
  }
  return allOf(compiled);
}

function compileObject(def: SchemaDef): Test | null {
  // Symbol keys: zod checks them too, `Object.entries` would skip them.
  if (def.catchall !== undefined || !def.shape || Object.getOwnPropertySymbols(def.shape).length > 0) return null;
  const fields: [string, Test][] = [];
  for (const [key, fieldSchema] of Object.entries(def.shape)) {
    const test = compile(fieldSchema);
    if (!test) return null;
    fields.push([key, test]);
  }
  const known = new Set(fields.map(([key]) => key));
  return (value) => {
    // Plain objects only: zod takes any non-array object (a Date, a class instance) but returns a new plain one.
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
    const item = value as Record<string, unknown>;
    for (const [key, test] of fields) if (!test(item[key])) return false;
    // A key zod would strip: the parsed item would differ from the input.
    for (const key in item) if (!known.has(key)) return false;
    return true;
  };
}

/** Only a schema with no checks of its own (nor one that is itself a check, like a format). */
function noChecks(def: SchemaDef): boolean {
  return def.check === undefined && (def.checks ?? []).length === 0;
}

function compileUncached(schema: z.ZodType): Test | null {
  const def = defOf(schema);
  if (def.coerce) return null;
  switch (def.type) {
    case 'string': {
      const checks = compileChecks(def, stringCheck);
      return checks && ((v) => typeof v === 'string' && checks(v));
    }
    case 'number': {
      const checks = compileChecks(def, numberCheck);
      return checks && ((v) => typeof v === 'number' && Number.isFinite(v) && checks(v));
    }
    case 'boolean':
      return noChecks(def) ? (v) => typeof v === 'boolean' : null;
    case 'date': {
      const checks = compileChecks(def, (c) => boundCheck(c, (d) => (d instanceof Date ? d.getTime() : Number(d))));
      return checks && ((v) => v instanceof Date && !Number.isNaN(v.getTime()) && checks(v.getTime()));
    }
    case 'enum': {
      // As zod's getEnumValues: a numeric TS enum's reverse entries ('0' → 'Red') are not values.
      const entries = Object.entries(def.entries ?? {});
      const numeric = entries.map(([, v]) => v).filter((v) => typeof v === 'number');
      const allowed = new Set(entries.filter(([k]) => !numeric.includes(Number(k))).map(([, v]) => v));
      return noChecks(def) ? (v) => allowed.has(v) : null;
    }
    case 'literal': {
      const allowed = new Set(def.values ?? []);
      return noChecks(def) ? (v) => allowed.has(v) : null;
    }
    case 'nullable': {
      const inner = def.innerType && noChecks(def) ? compile(def.innerType) : null;
      return inner && ((v) => v === null || inner(v));
    }
    case 'optional': {
      const inner = def.innerType && noChecks(def) ? compile(def.innerType) : null;
      if (!inner) return null;
      // `.exactOptional()` has the same def but rejects an explicit `undefined` (only an absent key is
      // fine, which this check cannot tell apart): then undefined is left to zod.
      const parsedUndefined = schema.safeParse(undefined);
      if (!parsedUndefined.success || parsedUndefined.data !== undefined) return inner;
      return (v) => v === undefined || inner(v);
    }
    case 'array': {
      const element = def.element ? compile(def.element) : null;
      const lengths = compileChecks(def, lengthTest);
      if (!element || !lengths) return null;
      // zod fills a hole with `undefined`: when the element takes undefined, a hole changes the array.
      const holesChange = element(undefined);
      return (v) => {
        if (!Array.isArray(v) || !lengths(v.length)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i]) || (holesChange && !(i in v))) return false;
        return true;
      };
    }
    case 'object':
      return noChecks(def) ? compileObject(def) : null;
    default:
      // Refinements, transforms, defaults, unions, records, …: zod decides.
      return null;
  }
}

const compiled = new WeakMap<z.ZodType, Test | null>();

/** One map lookup per call (a schema without a fast check is stored as `null`). */
function compile(schema: z.ZodType): Test | null {
  let test = compiled.get(schema);
  if (test === undefined) {
    test = compileUncached(schema);
    compiled.set(schema, test);
  }
  return test;
}

/** True only when `schema.safeParse(item)` would succeed and return an item equal to `item`. */
export function acceptsUnchanged(schema: z.ZodType, item: unknown): boolean {
  const test = compile(schema);
  return test !== null && test(item);
}

/** Whether `acceptsUnchanged` can ever answer true for this schema (every kind and check in it is known). */
export function hasFastCheck(schema: z.ZodType): boolean {
  return compile(schema) !== null;
}
