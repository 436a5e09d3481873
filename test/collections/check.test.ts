/**
 * collections/check.ts: whenever `acceptsUnchanged` says true, zod accepts the item and returns it unchanged
 * (same own keys, same values). False only sends the caller to zod, so it is always safe.
 */
import * as z from 'zod';
import { acceptsUnchanged, hasFastCheck } from '../../src/backend/collections/check';
import { ContactEvents } from '../../src/backend/collections/contacts';
import type { CollectionDef } from '../../src/backend/collections/define';
import { registry } from '../../src/backend/collections/registry';
import { SMSMessages } from '../../src/backend/collections/sms';
import { examples, type Example } from './examples';

type Rand = () => number;
/** A value generator; `pGood` is the share of fields given a value their own schema takes unchanged. */
type Gen = (rand: Rand, pGood: number) => unknown;

/** The schema `validateNew` in platform/data.ts checks new items against. */
function newItemSchema(def: CollectionDef): z.ZodObject {
  return def.schema.omit({ _createdDate: true, _updatedDate: true, _owner: true }).extend({ _id: z.string().min(1).optional() });
}

// Bound once: a global such as `Math` is a slow lookup inside jest's vm context, and these run millions of times.
const { imul, floor } = Math;

function mulberry32(seed: number): Rand {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: Rand, list: readonly T[]): T => list[floor(rand() * list.length)] as T;

/** Deep equality as `toStrictEqual` sees it: same prototypes, same own keys (undefined-valued and holes included). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date && b instanceof Date) return Object.is(a.getTime(), b.getTime());
  const [left, right, keys] = [a as Record<PropertyKey, unknown>, b as Record<PropertyKey, unknown>, Reflect.ownKeys(a)];
  return keys.length === Reflect.ownKeys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && same(left[key], right[key]));
}

function parsesUnchanged(schema: z.core.$ZodType, value: unknown): boolean {
  const parsed = z.safeParse(schema, value);
  return parsed.success && same(parsed.data, value);
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.core.$ZodType;
  return s;
}

/** Enum and literal values a field names (through optional / nullable / default and unions). */
function namedValues(schema: z.core.$ZodType): unknown[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodEnum) return [...s.options];
  if (s instanceof z.ZodLiteral) return [...s.values];
  if (s instanceof z.ZodUnion) return (s.options as readonly z.core.$ZodType[]).flatMap(namedValues);
  return [];
}

const STRINGS = ['', 'a', 'x'.repeat(600), '+15125550100', '+1512', '2233445', '12345', 'America/Chicago', 'TX', 'a@b.co', 'class_a', 'UTC', '0 9 * * 1-5', 'https://example.com'];
const NUMBERS = [0, -0, 1, -1, 1.5, 6, 7, 24, 25, 60, 61, 90, -91, NaN, Infinity, -Infinity, 2 ** 60];
const DATES = [new Date('2026-01-22T15:00:00Z'), new Date(0), new Date(NaN)];
const BASE: readonly unknown[] = [...STRINGS, ...NUMBERS, ...DATES, true, false, null, undefined, {}, [], [1, 2], ['a'], [0, 1, 2, 3, 4, 5, 6, 7]];
const LONG_LIST = Array.from({ length: 1001 }, () => 'a');
const EXTRA_KEYS = ['foo', '_createdDate', '_owner', 'toString'];

/** Values for one field, nested objects built by the same walk. */
function fieldGen(schema: z.core.$ZodType, hints: readonly unknown[]): Gen {
  const core = unwrap(schema);
  const statics: unknown[] = [...BASE, ...hints, ...namedValues(schema)];
  let nested: Gen | null = null;
  if (core instanceof z.ZodObject) nested = objectGen(core);
  if (core instanceof z.ZodArray) {
    const element = core.element as z.core.$ZodType;
    const named = namedValues(element);
    if (named.length > 0) statics.push([named[0]], named, [named[0], 'nope']);
    const inner = unwrap(element);
    if (inner instanceof z.ZodObject) {
      const elementGen = objectGen(inner);
      nested = (rand, pGood) => Array.from({ length: 1 + floor(rand() * 3) }, () => elementGen(rand, pGood));
    }
  }
  const good = statics.filter((v) => parsesUnchanged(schema, v));
  if (core instanceof z.ZodArray) statics.push(LONG_LIST); // over `.max(1000)`; never among the good ones (zod walks all of it)
  return (rand, pGood) => {
    const wantGood = rand() < pGood;
    if (nested && (rand() < 0.6 || (wantGood && good.length === 0))) return nested(rand, wantGood ? pGood : 0.5);
    return pick(rand, wantGood && good.length > 0 ? good : statics);
  };
}

/** Items of an object schema: sometimes a key missing, sometimes an extra key zod would strip. */
function objectGen(schema: z.ZodObject, hints: Readonly<Record<string, unknown>> = {}): Gen {
  const fields = Object.entries(schema.shape).map(([key, field]) => {
    const optional = z.safeParse(field, undefined).success;
    return { key, optional, gen: fieldGen(field, key in hints ? [hints[key]] : []) };
  });
  return (rand, pGood) => {
    const item: Record<string, unknown> = {};
    for (const { key, optional, gen } of fields) {
      if ((optional && rand() < 0.3) || (pGood < 1 && rand() < 0.03)) continue;
      item[key] = gen(rand, pGood);
    }
    if (pGood < 1 && rand() < 0.1) item[pick(rand, EXTRA_KEYS)] = pick(rand, [1, DATES[0], 'x']);
    return item;
  };
}

const ITEMS_PER_SCHEMA = 2000;
const P_GOOD = [1, 1, 1, 0.98, 0.95, 0.8];

describe('acceptsUnchanged: differential fuzz against zod over every collection', () => {
  const cases = registry.flatMap((def) => [{ name: `${def.id} (item)`, def, schema: def.schema }, { name: `${def.id} (new item)`, def, schema: newItemSchema(def) }]);

  it.each(cases)('$name', ({ def, schema }) => {
    const hints = (examples as Readonly<Record<string, Example | undefined>>)[def.id]?.valid ?? {};
    const gen = objectGen(schema, hints);
    const rand = mulberry32(0x5eed ^ def.id.length * 7919 ^ Object.keys(schema.shape).length);
    const failures: string[] = [];
    let [accepted, rejectedInvalid, zodValid] = [0, 0, 0];
    for (let n = 0; n < ITEMS_PER_SCHEMA; n++) {
      const item = gen(rand, pick(rand, P_GOOD)) as Record<string, unknown>;
      const fast = acceptsUnchanged(schema, item);
      const parsed = schema.safeParse(item);
      if (parsed.success) zodValid++;
      if (!fast) {
        if (!parsed.success) rejectedInvalid++;
        continue;
      }
      accepted++;
      if (!parsed.success) failures.push(`zod rejects: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      else if (!same(parsed.data, item)) {
        const { data } = parsed;
        failures.push(`zod changes: ${Object.keys({ ...item, ...data }).filter((k) => !same(data[k], item[k]) || k in data !== k in item).join(', ')}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(zodValid).toBeGreaterThan(ITEMS_PER_SCHEMA / 10);
    // The fast path is exercised both ways wherever the schema has one.
    if (hasFastCheck(schema)) expect({ accepted: accepted > 0, rejectedInvalid: rejectedInvalid > 0 }).toEqual({ accepted: true, rejectedInvalid: true });
    else expect(accepted).toBe(0);
  });
});

describe('acceptsUnchanged on SMSMessages and ContactEvents', () => {
  const schema = SMSMessages.schema;
  const newSchema = newItemSchema(SMSMessages);
  const message = {
    _id: 'c1:1:+15125550100', _createdDate: new Date('2026-01-22T15:00:00Z'), _updatedDate: new Date('2026-01-22T15:00:04Z'), _owner: 'owner-1',
    campaign_id: 'c1', sequence_id: null, carrier_dot: '2233445', driver_id: 'drv-1', phone_number: '+15125550100', message_body: 'Hi John, reply STOP to opt out',
    variant_id: 'a', twilio_sid: 'SM0123456789abcdef0123456789abcdef', status: 'delivered', error_code: null, sent_at: new Date('2026-01-22T15:00:01Z'),
    delivered_at: new Date('2026-01-22T15:00:04Z'), cost: 0.0079, reply_received: false, reply_content: undefined, opted_out: false, segments: 1, attempts: 0, run_number: 1,
  };

  it('has a fast check for both collections, full and new-item schemas', () => {
    for (const s of [schema, newSchema, ContactEvents.schema, newItemSchema(ContactEvents)]) expect(hasFastCheck(s)).toBe(true);
  });

  it('accepts a realistic message unchanged, as zod does', () => {
    expect(acceptsUnchanged(schema, message)).toBe(true);
    expect(schema.safeParse(message).data).toStrictEqual(message);
    const { _createdDate, _updatedDate, _owner, ...fresh } = message;
    expect(acceptsUnchanged(newSchema, fresh)).toBe(true);
    expect(newSchema.safeParse(fresh).data).toStrictEqual(fresh);
  });

  const { message_body: _body, ...withoutBody } = message;
  it.each<[string, Record<string, unknown>]>([
    ['a phone number that is not E.164', { ...message, phone_number: '5125550100' }],
    ['an unknown status', { ...message, status: 'read' }],
    ['fractional attempts', { ...message, attempts: 1.5 }],
    ['negative attempts', { ...message, attempts: -1 }],
    ['an invalid sent_at', { ...message, sent_at: new Date(NaN) }],
    ['an infinite cost', { ...message, cost: Infinity }],
    ['a missing message_body', withoutBody],
  ])('leaves %s to zod, which rejects it', (_name, item) => {
    expect(acceptsUnchanged(schema, item)).toBe(false);
    expect(schema.safeParse(item).success).toBe(false);
  });

  const { _updatedDate: _u, _owner: _o, ...freshWithCreated } = message;
  it.each<[string, z.ZodObject, Record<string, unknown>, string]>([
    ['an unknown key', schema, { ...message, foo: 1 }, 'foo'],
    ['_createdDate on a new item', newSchema, freshWithCreated, '_createdDate'],
  ])('leaves %s to zod, which strips it', (_name, s, item, stripped) => {
    expect(acceptsUnchanged(s, item)).toBe(false);
    const parsed = s.safeParse(item);
    expect(parsed.success).toBe(true);
    expect(parsed.data).not.toHaveProperty(stripped);
    const { [stripped]: _gone, ...rest } = item;
    expect(parsed.data).toStrictEqual(rest);
  });

  it('checks contact events', () => {
    const event = { _id: 'sms:c1:1:+15125550100', carrier_dot: '2233445', driver_id: 'drv-1', channel: 'sms', at: new Date('2026-01-22T15:00:01Z'), campaign_id: 'c1', message_id: 'c1:1:+15125550100' };
    expect(acceptsUnchanged(ContactEvents.schema, event)).toBe(true);
    expect(acceptsUnchanged(newItemSchema(ContactEvents), event)).toBe(true);
    for (const broken of [{ ...event, channel: 'fax' }, { ...event, at: new Date(NaN) }, { ...event, message_id: '' }, { ...event, driver_id: null }]) {
      expect(acceptsUnchanged(ContactEvents.schema, broken)).toBe(false);
      expect(ContactEvents.schema.safeParse(broken).success).toBe(false);
    }
  });
});

describe('schemas the checker does not know', () => {
  it.each<[string, z.ZodType, unknown]>([
    ['a refinement', z.object({ a: z.string().refine((s) => s.length > 0) }), { a: 'x' }],
    ['a trim', z.object({ a: z.string().trim() }), { a: 'x' }],
    ['a default', z.object({ a: z.string().default('x') }), { a: 'x' }],
    ['an email check', z.object({ a: z.string().email() }), { a: 'a@b.co' }],
    ['a z.email() field', z.object({ a: z.email() }), { a: 'a@b.co' }],
    ['a z.url() field', z.object({ a: z.url() }), { a: 'https://example.com' }],
    ['a strict object', z.object({ a: z.string() }).strict(), { a: 'x' }],
    ['a loose object', z.looseObject({ a: z.string() }), { a: 'x' }],
    ['a union', z.object({ a: z.union([z.string(), z.number()]) }), { a: 'x' }],
    ['a top-level union', z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]), { a: 'x' }],
    ['a coercion', z.object({ a: z.coerce.number() }), { a: 1 }],
  ])('answers false for %s, even for valid input', (_name, schema, valid) => {
    expect(schema.safeParse(valid).success).toBe(true);
    expect(hasFastCheck(schema)).toBe(false);
    expect(acceptsUnchanged(schema, valid)).toBe(false);
  });

  enum Color { Red }
  const holey: (string | undefined)[] = [];
  holey[1] = 'x';
  const sym = Symbol('s');
  it.each<[string, z.ZodType, unknown]>([
    ['1.5 for z.int()', z.object({ a: z.int() }), { a: 1.5 }],
    ['undefined for an exact optional', z.object({ a: z.string().exactOptional() }), { a: undefined }],
    ['an enum key for a native numeric enum', z.object({ a: z.enum(Color) }), { a: 'Red' }],
    ['a wrong value at a symbol key', z.object({ [sym]: z.string() }), { [sym]: 1 }],
    ['a Date for an object (zod returns {})', z.object({ a: z.object({ b: z.string().optional() }) }), { a: new Date(0) }],
    ['a hole for an optional element (zod fills it)', z.object({ a: z.array(z.string().optional()) }), { a: holey }],
  ])('answers false for %s', (_name, schema, item) => {
    expect(parsesUnchanged(schema, item)).toBe(false);
    expect(acceptsUnchanged(schema, item)).toBe(false);
  });

  it('still takes z.int() and exact optionals when the value is right', () => {
    expect(acceptsUnchanged(z.object({ a: z.int() }), { a: 2 })).toBe(true);
    expect(acceptsUnchanged(z.object({ a: z.string().exactOptional() }), { a: 'x' })).toBe(true);
  });
});

describe('regex checks with the global or sticky flag', () => {
  it.each([/^a+$/g, /^a+$/y])('accepts the same value on every call (%s)', (pattern) => {
    const schema = z.object({ a: z.string().regex(pattern) });
    const answers = ['aaa', 'aaa', 'b', 'aa', 'aa'].map((a) => acceptsUnchanged(schema, { a }));
    expect(answers).toEqual([true, true, false, true, true]);
    expect(schema.safeParse({ a: 'aa' }).success).toBe(true);
  });
});
