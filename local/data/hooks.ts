/** Data hooks (`backend/data.js`): `<Collection>_<hook>(value, context)`, return value replaces, before* rejection blocks. */
import type { CallContext } from '../runtime';
import type { DataHooksModule } from './types';
import { isPlainObject, type Item } from './values';

export type HookName =
  | 'beforeInsert' | 'afterInsert' | 'beforeUpdate' | 'afterUpdate' | 'beforeRemove' | 'afterRemove'
  | 'beforeGet' | 'afterGet' | 'beforeQuery' | 'afterQuery' | 'beforeCount' | 'afterCount'
  | 'beforeAggregate' | 'afterAggregate' | 'beforeDistinct' | 'afterDistinct';

export interface HookContext {
  readonly collectionName: string;
  readonly userId: string | null;
  readonly userRole: 'anonymous' | 'siteMember' | 'siteOwner';
  readonly currentItem?: Item;
}

export function hookContext(collectionName: string, call: CallContext, currentItem?: Item | null): HookContext {
  const roles = call.identity.roles;
  const userRole = roles.includes('Admin') ? 'siteOwner' : call.identity.memberId !== null ? 'siteMember' : 'anonymous';
  const base = { collectionName, userId: call.identity.memberId, userRole } as const;
  return currentItem ? { ...base, currentItem } : base;
}

type HookFn = (value: unknown, context: HookContext) => unknown;

export const acceptItem = (v: unknown): v is Item => isPlainObject(v);
export const acceptString = (v: unknown): v is string => typeof v === 'string';
export const acceptNumber = (v: unknown): v is number => typeof v === 'number';

export class HookRunner {
  constructor(private module: DataHooksModule) {}

  set(module: DataHooksModule): void {
    this.module = module;
  }

  private fn(collectionId: string, name: HookName | 'onFailure'): HookFn | null {
    const f = this.module[`${collectionId}_${name}`];
    return typeof f === 'function' ? (f as HookFn) : null;
  }

  has(collectionId: string, name: HookName): boolean {
    return this.fn(collectionId, name) !== null;
  }

  /** Runs a hook; a returned value of the accepted type replaces `value`, anything else is ignored. */
  async run<T>(collectionId: string, name: HookName, value: T, context: HookContext, accept: (v: unknown) => v is T): Promise<T> {
    const f = this.fn(collectionId, name);
    if (!f) return value;
    const out = await f(value, context);
    return accept(out) ? out : value;
  }

  async failure(collectionId: string, error: unknown, context: HookContext): Promise<void> {
    const f = this.fn(collectionId, 'onFailure');
    if (!f) return;
    try {
      await f(error, context);
    } catch {
      // onFailure's own failure never masks the original error.
    }
  }
}
