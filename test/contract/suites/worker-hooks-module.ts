/**
 * Data hooks for the worker variant of the local hook suite, loaded inside the data worker through
 * `hooksModule` (hooks are functions: they cannot be sent to a worker). They behave like the inline
 * hooks of local-hooks.ts; instead of a log array in the test, they append their log lines to the
 * `HookLog` collection (hooks reach the worker's own emulator through the runtime it installs), and
 * the test reads the lines back with a query.
 */
import type { EmulatedItems } from '../../../local/data';
import { runtime } from '../../../local/runtime';

type Item = Record<string, unknown>;
type Ctx = { collectionName: string; userId: string | null; userRole: string; currentItem?: Item };
type Query = { ne(field: string, value: unknown): unknown };

export const HOOK_LOG = 'HookLog';

const items = (): EmulatedItems => runtime().dataItems as EmulatedItems;

async function log(line: string): Promise<void> {
  await items().insert(HOOK_LOG, { line }, { suppressHooks: true });
}

export async function H_beforeInsert(item: Item, ctx: Ctx): Promise<Item> {
  await log(`beforeInsert:${ctx.collectionName}:${ctx.userRole}`);
  if (item['reject']) throw new Error('blocked by hook');
  return { ...item, stamped: true };
}

export function H_afterInsert(item: Item): Item {
  return { ...item, seenAfter: true };
}

export async function H_beforeUpdate(item: Item, ctx: Ctx): Promise<Item> {
  await log(`beforeUpdate:current=${String(ctx.currentItem?.['v'])}`);
  return item;
}

export function H_afterUpdate(): string {
  return 'not an object: ignored';
}

export async function H_beforeRemove(id: string, ctx: Ctx): Promise<string> {
  await log(`beforeRemove:${id}:${String(ctx.currentItem?.['v'])}`);
  return id;
}

export async function H_afterRemove(item: Item): Promise<void> {
  await log(`afterRemove:${String(item['_id'])}`);
}

export function H_beforeGet(id: string): string {
  return id === 'alias' ? 'real' : id;
}

export function H_afterGet(item: Item): Item {
  return { ...item, decorated: 1 };
}

export function H_beforeQuery(query: Query): unknown {
  return query.ne('hidden', true);
}

export function H_afterQuery(item: Item): Item {
  return { ...item, viaQuery: true };
}

export function H_beforeCount(query: Query): unknown {
  return query.ne('hidden', true);
}

export function H_afterCount(n: number): number {
  return n * 100;
}

export async function H_onFailure(err: Error): Promise<void> {
  await log(`onFailure:${err.message}`);
}

/** A hook making a data request of its own (counted like any other). */
export async function HC_beforeInsert(item: Item): Promise<Item> {
  return (await items().query('HC').count()) >= 0 ? item : item;
}

/** Fails with an error that is not a WixDataError (own name and field), to check how it crosses threads. */
export function HE_beforeInsert(): never {
  throw Object.assign(new RangeError('hook says no'), { detail: 42 });
}

export function HE_beforeUpdate(): never {
  const e = new Error('custom failure');
  e.name = 'HookFailure';
  throw e;
}
