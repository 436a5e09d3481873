/**
 * Messages between the calling thread and the data worker, and how values cross between them.
 *
 * Values travel by structured clone (Dates stay Dates, `undefined` properties stay present). Two
 * kinds of values need more than a clone and travel as "refs" next to the cloned value, at a path:
 * recorded builders in arguments (a filter passed to `.and()`, a `condition` option), which the
 * worker rebuilds, and Error objects in results (per-item errors of bulk results), which the caller
 * rebuilds with their class and fields.
 */
import type { CallContext } from '../../runtime';
import type { DataEmulatorOptions } from '../types';

/** A property path inside an argument list or a result. */
export type Path = readonly (string | number)[];

/** How a builder method behaves, as found by calling it on a probe builder in the worker. */
export type MethodKind =
  /** Returns a new builder (of shape `shape`): the caller records the call on a copy. */
  | { readonly kind: 'fresh'; readonly shape: string }
  /** Returns the builder itself (possibly changed): the caller records the call on the same builder. */
  | { readonly kind: 'self' }
  /** Returns a promise: the caller sends the recorded chain and this call to the worker. */
  | { readonly kind: 'terminal' }
  /** Returns anything else (or throws): the caller asks the worker synchronously. */
  | { readonly kind: 'sync' };

export interface ShapeInfo {
  readonly methods: Readonly<Record<string, MethodKind>>;
  /** Getters and instance fields, read synchronously from the worker's builder. */
  readonly props: readonly string[];
}

/** What each `items` function is: a builder factory, an async function, or something synchronous. */
export type ItemsFunctionKind = { readonly kind: 'builder'; readonly shape: string } | { readonly kind: 'direct' } | { readonly kind: 'sync' };

export interface Surface {
  readonly functions: Readonly<Record<string, ItemsFunctionKind>>;
  readonly shapes: Readonly<Record<string, ShapeInfo>>;
}

/** A builder as recorded on the calling side: the `items` function that made it and the calls chained on it. */
export interface BuilderSpec {
  readonly factory: string;
  readonly args: WireArgs;
  /** The call the builder was created in. */
  readonly captured: CallContext;
  readonly steps: readonly { readonly name: string; readonly args: WireArgs }[];
}

/** An argument list: cloned values with recorded builders taken out (null in `values`) and listed in `builders`. */
export interface WireArgs {
  readonly values: readonly unknown[];
  readonly builders?: readonly { readonly path: Path; readonly spec: BuilderSpec }[];
}

export interface WireError {
  /** `bulk` = WixDataBulkItemError, `wix` = WixDataError, `error` = anything else. */
  readonly cls: 'bulk' | 'wix' | 'error';
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Own enumerable fields (code, originalIndex, item, …) that can be cloned. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** What a page result (`WixDataResult`) carries to the caller; its `next()`/`prev()` go back through `handle`. */
export interface WirePage {
  readonly items: unknown[];
  readonly totalCount: number | undefined;
  readonly totalPages: number | undefined;
  readonly pageSize: number | undefined;
  readonly currentPage: number | undefined;
  readonly length: number;
  readonly hasNext: boolean;
  readonly hasPrev: boolean;
  readonly handle: number;
}

export type WireValue =
  | { readonly t: 'value'; readonly v: unknown; readonly errors?: readonly { readonly path: Path; readonly error: WireError }[] }
  | { readonly t: 'page'; readonly page: WirePage };

/** The plain-data part of `DataEmulatorOptions`, plus what the worker needs to build the rest. */
export interface WorkerInit {
  readonly options: Pick<DataEmulatorOptions, 'dataDir' | 'collections' | 'strictCollections' | 'strict' | 'quotas'>;
  readonly hooksModule: string | null;
  readonly clock: { readonly anchorMs: number; readonly wallStartMs: number } | null;
  /** Shared flag the worker raises after answering a synchronous request (thread placement; null in a process). */
  readonly syncFlag: SharedArrayBuffer | null;
}

/** The argument that makes worker.ts serve its parent process over IPC. */
export const DATA_PROCESS_FLAG = '--data-process';

interface RequestBase {
  readonly id: number;
  /** Answer on the synchronous port (the caller is blocked waiting). */
  readonly sync?: boolean;
  /** Page handles the caller no longer holds. */
  readonly release?: readonly number[];
}

export type Request = RequestBase &
  (
    | { readonly kind: 'call'; readonly name: string; readonly args: WireArgs; readonly call: CallContext }
    | { readonly kind: 'method'; readonly target: BuilderSpec; readonly name: string; readonly args: WireArgs; readonly call: CallContext }
    | { readonly kind: 'prop'; readonly target: BuilderSpec; readonly name: string }
    | { readonly kind: 'page'; readonly handle: number; readonly name: string; readonly call: CallContext }
    | { readonly kind: 'stats' | 'resetStats' | 'close' | 'cpu' }
    /** Only hands over `release`; not answered. */
    | { readonly kind: 'release' }
  );

export type Reply =
  | { readonly id: number; readonly ok: true; readonly value: WireValue; readonly promised: boolean }
  | { readonly id: number; readonly ok: false; readonly error: WireError; readonly promised: boolean };

export type WorkerEvent = { readonly kind: 'ready'; readonly surface: Surface } | { readonly kind: 'failed'; readonly error: WireError };

/** Sets `value` at `path` inside `root` (a container made by cloning). */
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i += 1) node = node[path[i] as string | number] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return root;
}

export function isPlainContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
