/**
 * Values cloned from the worker are created in the thread's main context. Code running in another
 * `vm` context of the same thread (jest runs each test file in one) would see Dates that fail
 * `instanceof Date`, arrays and objects of another realm. When that is the case (detected once, at
 * start), replies are copied into the caller's realm; otherwise they are used as they arrive.
 */

/** True when `sample` (a plain object received from the worker) belongs to another realm. */
export function isForeign(sample: object): boolean {
  return Object.getPrototypeOf(sample) !== Object.prototype;
}

const tag = (v: object): string => Object.prototype.toString.call(v);

/** A copy of `v` made of this realm's objects (plain objects, arrays, Dates, Maps, Sets; anything else as is). */
export function adopt(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i += 1) out[i] = adopt(v[i]);
    return out;
  }
  switch (tag(v)) {
    case '[object Date]':
      return new Date(Date.prototype.getTime.call(v as Date));
    case '[object Map]': {
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v as Map<unknown, unknown>) out.set(adopt(k), adopt(x));
      return out;
    }
    case '[object Set]': {
      const out = new Set<unknown>();
      for (const x of v as Set<unknown>) out.add(adopt(x));
      return out;
    }
    case '[object Object]': {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== null && Object.getPrototypeOf(proto) !== null) return v;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const x = adopt((v as Record<string, unknown>)[key]);
        if (key === '__proto__') Object.defineProperty(out, key, { value: x, writable: true, enumerable: true, configurable: true });
        else out[key] = x;
      }
      return out;
    }
    default:
      return v;
  }
}
