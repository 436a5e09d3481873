/**
 * Finds out, in the worker, what the emulator's `items` surface looks like, so that the calling side
 * can mirror it without a list of functions or builder methods written down anywhere: each `items`
 * function is called on a throwaway in-memory emulator (no hooks, nothing shared with the real
 * store), and each method of each builder it returns is called without arguments on a fresh copy.
 * A method returning a promise is terminal; returning a builder, it is chained; anything else is
 * answered synchronously.
 */
import { runAsAdmin } from '../../runtime';
import { createDataEmulator } from '../index';
import { isThenable, type ItemsFunctionKind, type MethodKind, type ShapeInfo, type Surface } from './protocol';

/** Argument lists tried in turn until an `items` function does not throw synchronously. */
const PROBE_ARGS: readonly (readonly unknown[])[] = [['__probe__', '__probe__'], ['__probe__', ['__probe__']], ['__probe__'], []];

type Fn = (...args: unknown[]) => unknown;

/** A builder: an object made by a class (plain objects, arrays and Dates are values). */
function isBuilder(v: unknown): v is object {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto !== Object.prototype && proto !== null;
}

function members(obj: object): { methods: string[]; props: string[] } {
  const methods = new Set<string>();
  const props = new Set<string>();
  for (const key of Object.keys(obj)) {
    if (typeof (obj as Record<string, unknown>)[key] === 'function') methods.add(key);
    else props.add(key);
  }
  for (let proto: unknown = Object.getPrototypeOf(obj); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || methods.has(key) || props.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (d?.get) props.add(key);
      else if (typeof d?.value === 'function') methods.add(key);
    }
  }
  return { methods: [...methods], props: [...props] };
}

export async function probeSurface(): Promise<Surface> {
  const probe = createDataEmulator({ dataDir: null, collections: [] });
  const items = probe.items as unknown as Record<string, unknown>;
  const pending: Promise<unknown>[] = [];
  const settle = (v: PromiseLike<unknown>): void => {
    pending.push(Promise.resolve(v).catch(() => undefined));
  };
  const shapeIds = new Map<unknown, string>();
  const recipes = new Map<string, () => object>();

  const shapeOf = (builder: object, recipe: () => object): string => {
    const proto: unknown = Object.getPrototypeOf(builder);
    let id = shapeIds.get(proto);
    if (id === undefined) {
      const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
      id = `${typeof ctor?.name === 'string' && ctor.name ? ctor.name : 'Builder'}#${shapeIds.size}`;
      shapeIds.set(proto, id);
      recipes.set(id, recipe);
    }
    return id;
  };

  return runAsAdmin(async (): Promise<Surface> => {
    const functions: Record<string, ItemsFunctionKind> = {};
    for (const [name, value] of Object.entries(items)) {
      if (typeof value !== 'function') continue;
      const fn = value as Fn;
      let kind: ItemsFunctionKind = { kind: 'sync' };
      for (const args of PROBE_ARGS) {
        try {
          const out = fn.apply(items, [...args]);
          if (isThenable(out)) {
            settle(out);
            kind = { kind: 'direct' };
          } else if (isBuilder(out)) {
            kind = { kind: 'builder', shape: shapeOf(out, () => fn.apply(items, [...args]) as object) };
          }
          break;
        } catch {
          // Try the next argument list.
        }
      }
      functions[name] = kind;
    }

    const shapes: Record<string, ShapeInfo> = {};
    const queue = [...recipes.keys()];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      const recipe = recipes.get(id) as () => object;
      const { methods: names, props } = members(recipe());
      const methods: Record<string, MethodKind> = {};
      for (const name of names) {
        const builder = recipe() as Record<string, unknown>;
        let kind: MethodKind = { kind: 'sync' };
        try {
          const out = (builder[name] as Fn).call(builder);
          if (isThenable(out)) {
            settle(out);
            kind = { kind: 'terminal' };
          } else if (out === builder) {
            kind = { kind: 'self' };
          } else if (isBuilder(out)) {
            const known = shapeIds.size;
            const shape = shapeOf(out, () => {
              const fresh = recipe() as Record<string, Fn>;
              return (fresh[name] as Fn).call(fresh) as object;
            });
            if (shapeIds.size > known) queue.push(shape);
            kind = { kind: 'fresh', shape };
          }
        } catch {
          // Throws without arguments: answered synchronously (the real arguments may well work).
        }
        methods[name] = kind;
      }
      shapes[id] = { methods, props };
    }
    await Promise.all(pending);
    probe.close();
    return { functions, shapes };
  });
}
