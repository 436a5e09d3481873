/**
 * Errors across the thread boundary. A structured clone keeps only an Error's message and stack, so
 * errors travel as `WireError` and are rebuilt with their class (`WixDataError`,
 * `WixDataBulkItemError`, the built-in Error types), exact message, name and own fields (`code`,
 * `originalIndex`, `item`, …).
 */
import { WixDataBulkItemError, WixDataError } from '../errors';
import type { WireError } from './protocol';

const OMITTED = new Set(['name', 'message', 'stack']);

function cloneable(v: unknown): boolean {
  if (typeof v === 'function' || typeof v === 'symbol') return false;
  if (typeof v !== 'object' || v === null) return true;
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

export function toWireError(e: unknown): WireError {
  if (!(e instanceof Error)) {
    return { cls: 'error', name: 'Error', message: String(e), stack: undefined, fields: {} };
  }
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(e)) {
    if (OMITTED.has(key)) continue;
    const v = (e as unknown as Record<string, unknown>)[key];
    if (cloneable(v)) fields[key] = v;
  }
  const cls = e instanceof WixDataBulkItemError ? 'bulk' : e instanceof WixDataError ? 'wix' : 'error';
  return { cls, name: e.name, message: e.message, stack: e.stack, fields };
}

const BUILT_IN: Readonly<Record<string, new (message: string) => Error>> = {
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

function fieldString(fields: Readonly<Record<string, unknown>>, key: string): string {
  const v = fields[key];
  return typeof v === 'string' ? v : '';
}

export function fromWireError(w: WireError): Error {
  let e: Error;
  if (w.cls === 'bulk') {
    const index = w.fields['originalIndex'];
    e = new WixDataBulkItemError(new WixDataError(fieldString(w.fields, 'code'), ''), typeof index === 'number' ? index : -1, w.fields['item']);
  } else if (w.cls === 'wix') {
    e = new WixDataError(fieldString(w.fields, 'code'), '');
  } else {
    const Ctor = BUILT_IN[w.name];
    e = Ctor ? new Ctor(w.message) : new Error(w.message);
  }
  // Same property shapes as the originals: `message` own and non-enumerable, fields own and enumerable.
  Object.defineProperty(e, 'message', { value: w.message, writable: true, enumerable: false, configurable: true });
  Object.assign(e, w.fields);
  if (e.name !== w.name) e.name = w.name;
  if (w.stack !== undefined) Object.defineProperty(e, 'stack', { value: w.stack, writable: true, enumerable: false, configurable: true });
  return e;
}
