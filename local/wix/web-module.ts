/**
 * Local `wix-web-module`. Like `@wix/web-methods`, `webMethod` only annotates the function with its
 * permission and options; the host's RPC endpoint enforces the permission for browser calls.
 */
export const Permissions = Object.freeze({ Anyone: 'Anyone', SiteMember: 'SiteMember', Admin: 'Admin' } as const);
export type Permissions = (typeof Permissions)[keyof typeof Permissions];

export interface WebMethodOptions {
  cache?: { tags: string[]; ttl?: number };
}

export interface WebMethodAnnotation {
  readonly permission: Permissions;
  readonly options: WebMethodOptions;
}

export function webMethod<F extends (...args: never[]) => unknown>(permission: Permissions, fn: F, options: WebMethodOptions = {}): F {
  if (!Object.values(Permissions).includes(permission)) {
    throw new TypeError(`webMethod: unknown permission ${String(permission)}`);
  }
  if (typeof fn !== 'function') throw new TypeError('webMethod: second argument must be a function');
  return Object.assign(fn, { permission, options });
}

/** Reads the annotation back (the RPC endpoint and `wix:check` use it). */
export function webMethodAnnotation(value: unknown): WebMethodAnnotation | null {
  if (typeof value !== 'function') return null;
  const { permission, options } = value as unknown as Partial<WebMethodAnnotation>;
  if (permission === undefined || !Object.values(Permissions).includes(permission)) return null;
  return { permission, options: options ?? {} };
}
