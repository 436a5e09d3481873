/**
 * Worker side: rebuilds recorded builders on the real emulator (in the call they were created in),
 * and turns results into what crosses back: page results become a `WirePage` plus a handle for
 * their `next()`/`prev()`, Error objects inside results become `WireError`s.
 */
import { runInCall } from '../../runtime';
import { isPlainContainer, setAt, type BuilderSpec, type Path, type WireArgs, type WireError, type WireValue } from './protocol';
import { toWireError } from './wire-errors';

type Fn = (...args: unknown[]) => unknown;

/** `target[name]`, which must be a function. */
export function method(target: unknown, name: string): Fn {
  const f = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[name] : undefined;
  if (typeof f !== 'function') throw new TypeError(`${name} is not a function`);
  return f as Fn;
}

export class Replayer {
  constructor(private readonly items: Record<string, unknown>) {}

  /** The argument values with recorded builders rebuilt in place. */
  args(wire: WireArgs): unknown[] {
    const values = wire.values as unknown[];
    for (const { path, spec } of wire.builders ?? []) setAt(values, path, this.build(spec));
    return values;
  }

  /** The builder a recorded chain stands for, created in the call it was recorded in. */
  build(spec: BuilderSpec): unknown {
    return runInCall(spec.captured, () => {
      let builder = method(this.items, spec.factory).apply(this.items, this.args(spec.args));
      for (const step of spec.steps) builder = method(builder, step.name).apply(builder, this.args(step.args));
      return builder;
    });
  }
}

/** Collected `next`/`prev` of page results, by handle: at most `limit`, the least recently used dropped first. */
export class PageHandles {
  private readonly map = new Map<number, { next: Fn; prev: Fn }>();
  private last = 0;

  constructor(private readonly limit: number) {}

  add(page: { next: Fn; prev: Fn }): number {
    this.last += 1;
    this.map.set(this.last, { next: page.next, prev: page.prev });
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    return this.last;
  }

  get(handle: number, name: string): Fn {
    const entry = this.map.get(handle);
    if (!entry) {
      throw new Error(`This page result is no longer held by the data worker (more than ${this.limit} page results were alive at once); run the query again.`);
    }
    this.map.delete(handle);
    this.map.set(handle, entry);
    if (name !== 'next' && name !== 'prev') throw new TypeError(`${name} is not a function`);
    return entry[name];
  }

  release(handles: readonly number[]): void {
    for (const h of handles) this.map.delete(h);
  }

  get size(): number {
    return this.map.size;
  }
}

function isPageResult(v: unknown): v is Record<string, unknown> & { items: unknown[]; next: Fn; prev: Fn; hasNext: Fn; hasPrev: Fn } {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return Array.isArray(r['items']) && typeof r['next'] === 'function' && typeof r['prev'] === 'function' && typeof r['hasNext'] === 'function' && typeof r['hasPrev'] === 'function';
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Errors inside a result (a bulk result's `errors`), looked for a few levels deep in plain containers. */
function findErrors(v: unknown, path: (string | number)[], depth: number, out: { path: Path; error: WireError }[]): void {
  if (v instanceof Error) {
    out.push({ path: [...path], error: toWireError(v) });
    return;
  }
  if (depth === 0 || !isPlainContainer(v)) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i += 1) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null) findErrors(x, [...path, i], depth - 1, out);
    }
    return;
  }
  for (const key of Object.keys(v)) {
    const x = v[key];
    if (typeof x === 'object' && x !== null) findErrors(x, [...path, key], depth - 1, out);
  }
}

export function toWireValue(value: unknown, pages: PageHandles): WireValue {
  if (isPageResult(value)) {
    return {
      t: 'page',
      page: {
        items: value.items,
        totalCount: num(value['totalCount']),
        totalPages: num(value['totalPages']),
        pageSize: num(value['pageSize']),
        currentPage: num(value['currentPage']),
        length: num(value['length']) ?? value.items.length,
        hasNext: value.hasNext() === true,
        hasPrev: value.hasPrev() === true,
        handle: pages.add(value),
      },
    };
  }
  const errors: { path: Path; error: WireError }[] = [];
  findErrors(value, [], 3, errors);
  if (errors.length === 0) return { t: 'value', v: value };
  return { t: 'value', v: withoutErrors(value, errors), errors };
}

/** A copy of `root` with null at each error's path; only the containers on those paths are copied. */
function withoutErrors(root: unknown, errors: readonly { path: Path }[]): unknown {
  type Node = Record<string | number, unknown>;
  const copies = new Map<unknown, Node>();
  const copyOf = (node: unknown): Node => {
    let c = copies.get(node);
    if (!c) {
      c = (Array.isArray(node) ? [...(node as unknown[])] : { ...(node as Node) }) as Node;
      copies.set(node, c);
    }
    return c;
  };
  for (const { path } of errors) {
    if (path.length === 0) return null;
    let original = root as Node;
    let copy = copyOf(root);
    for (const key of path.slice(0, -1)) {
      const child = original[key];
      const childCopy = copyOf(child);
      copy[key] = childCopy;
      original = child as Node;
      copy = childCopy;
    }
    copy[path[path.length - 1] as string | number] = null;
  }
  return copyOf(root);
}
