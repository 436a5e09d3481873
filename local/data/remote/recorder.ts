/**
 * Calling side of `items`: a mirror of the worker's `items` built from its probed surface.
 * Builders are Proxies that record their chain of calls (whatever the methods are called); a
 * terminal call sends the recorded chain, the call the builder was created in and the current call
 * to the worker, which replays it on the real builder. Async `items` functions are forwarded as they
 * are; page results come back with `next()`/`prev()` that go back to the worker.
 */
import { currentCall, type CallContext } from '../../runtime';
import type { PageResult } from '../result';
import { unwrap, type RequestBody, type WorkerChannel } from './channel';
import { isPlainContainer, setAt, type BuilderSpec, type MethodKind, type Path, type Reply, type Surface, type WireArgs, type WirePage, type WireValue } from './protocol';
import { fromWireError } from './wire-errors';

type Fn = (...args: unknown[]) => unknown;

interface Step {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** A recorded builder. `steps` is shared with the proxy: methods returning the builder itself append to it. */
interface Recorded {
  readonly shape: string;
  readonly factory: string;
  readonly args: readonly unknown[];
  readonly captured: CallContext;
  readonly steps: Step[];
}

export function createRemoteItems(surface: Surface, channel: WorkerChannel): Record<string, Fn> {
  const recorded = new WeakMap<object, Recorded>();
  const pagesInUse = new FinalizationRegistry<number>((handle) => channel.release(handle));

  const recordedOf = (v: unknown): Recorded | undefined => (typeof v === 'object' && v !== null ? recorded.get(v) : undefined);

  const specOf = (r: Recorded): BuilderSpec => ({
    factory: r.factory,
    args: encodeArgs(r.args),
    captured: r.captured,
    steps: r.steps.map((s) => ({ name: s.name, args: encodeArgs(s.args) })),
  });

  /** Arguments as they cross: recorded builders (as an argument, or one level inside one) become specs. */
  function encodeArgs(args: readonly unknown[]): WireArgs {
    let values: unknown[] | null = null;
    let builders: { path: Path; spec: BuilderSpec }[] | null = null;
    const put = (i: number, v: unknown): void => {
      values ??= [...args];
      values[i] = v;
    };
    for (let i = 0; i < args.length; i += 1) {
      const arg = args[i];
      const r = recordedOf(arg);
      if (r) {
        (builders ??= []).push({ path: [i], spec: specOf(r) });
        put(i, null);
        continue;
      }
      if (!isPlainContainer(arg)) continue;
      const found: { copy: Record<string | number, unknown> | null } = { copy: null };
      const visit = (key: string | number, child: unknown): void => {
        const inner = recordedOf(child);
        if (!inner) return;
        (builders ??= []).push({ path: [i, key], spec: specOf(inner) });
        found.copy ??= (Array.isArray(arg) ? [...arg] : { ...arg }) as Record<string | number, unknown>;
        found.copy[key] = null;
      };
      if (Array.isArray(arg)) for (let k = 0; k < arg.length; k += 1) visit(k, arg[k]);
      else for (const key of Object.keys(arg)) visit(key, arg[key]);
      if (found.copy) put(i, found.copy);
    }
    return builders ? { values: values ?? args, builders } : { values: args };
  }

  function decode(value: WireValue): unknown {
    if (value.t === 'page') return pageResult(value.page);
    let v = value.v;
    for (const { path, error } of value.errors ?? []) v = setAt(v, path, fromWireError(error));
    return v;
  }

  const send = async (body: RequestBody): Promise<unknown> => decode(unwrap(await channel.request(body)));

  /** A synchronous answer; when the worker's member returned a promise, a promise of its outcome. */
  function answerSync(reply: Reply): unknown {
    if (reply.promised) return reply.ok ? Promise.resolve(decode(reply.value)) : Promise.reject(fromWireError(reply.error));
    return decode(unwrap(reply));
  }

  /** A call that must not throw synchronously (the real one returns a promise): failures reject. */
  function later(make: () => RequestBody): Promise<unknown> {
    let body: RequestBody;
    try {
      body = make();
    } catch (e) {
      return Promise.reject(e);
    }
    return send(body);
  }

  function pageResult(p: WirePage): PageResult<unknown> {
    const turn = (name: 'next' | 'prev'): Promise<PageResult<unknown>> => {
      // Referencing `result` keeps the handle alive as long as these functions are.
      void result;
      return send({ kind: 'page', handle: p.handle, name, call: currentCall() }) as Promise<PageResult<unknown>>;
    };
    const result: PageResult<unknown> = {
      items: p.items,
      totalCount: p.totalCount,
      totalPages: p.totalPages,
      pageSize: p.pageSize,
      currentPage: p.currentPage,
      length: p.length,
      hasNext: () => p.hasNext,
      hasPrev: () => p.hasPrev,
      next: () => turn('next'),
      prev: () => turn('prev'),
    };
    pagesInUse.register(result, p.handle);
    return result;
  }

  function builder(r: Recorded): object {
    const shape = surface.shapes[r.shape];
    const proxy: object = new Proxy(
      {},
      {
        get(target, prop, receiver) {
          if (typeof prop === 'string' && shape) {
            if (Object.hasOwn(shape.methods, prop)) return methodOf(r, proxy, prop, shape.methods[prop] as MethodKind);
            if (shape.props.includes(prop)) return answerSync(channel.requestSync({ kind: 'prop', target: specOf(r), name: prop }));
          }
          return Reflect.get(target, prop, receiver) as unknown;
        },
      },
    );
    recorded.set(proxy, r);
    return proxy;
  }

  function methodOf(r: Recorded, proxy: object, name: string, kind: MethodKind): Fn {
    switch (kind.kind) {
      case 'fresh':
        return (...args) => builder({ ...r, shape: kind.shape, steps: [...r.steps, { name, args }] });
      case 'self':
        return (...args) => {
          r.steps.push({ name, args });
          return proxy;
        };
      case 'terminal':
        return (...args) => later(() => ({ kind: 'method', target: specOf(r), name, args: encodeArgs(args), call: currentCall() }));
      case 'sync':
        return (...args) => answerSync(channel.requestSync({ kind: 'method', target: specOf(r), name, args: encodeArgs(args), call: currentCall() }));
    }
  }

  const items: Record<string, Fn> = {};
  for (const [name, kind] of Object.entries(surface.functions)) {
    switch (kind.kind) {
      case 'builder':
        items[name] = (...args) => builder({ shape: kind.shape, factory: name, args, captured: currentCall(), steps: [] });
        break;
      case 'direct':
        items[name] = (...args) => later(() => ({ kind: 'call', name, args: encodeArgs(args), call: currentCall() }));
        break;
      case 'sync':
        items[name] = (...args) => answerSync(channel.requestSync({ kind: 'call', name, args: encodeArgs(args), call: currentCall() }));
        break;
    }
  }
  return items;
}
