/** Collection permissions against the current call (reference: Wix collection permission levels). */
import type { CallContext } from '../runtime';
import { errors } from './errors';
import type { Cond } from './filter';
import type { EmulatedCollectionConfig } from './types';
import type { Item } from './values';

export type Action = 'read' | 'insert' | 'update' | 'remove';

const ACTION_TEXT: Record<Action, string> = { read: 'read', insert: 'insert', update: 'update', remove: 'remove' };

export function isPrivileged(call: CallContext): boolean {
  return call.elevated || call.identity.roles.includes('Admin');
}

/** Throws WDE0027 unless the call may perform `action`; `existing` is the stored item for update/remove. */
export function checkPermission(config: EmulatedCollectionConfig | undefined, action: Action, call: CallContext, existing?: Item | null): void {
  const perms = config?.permissions;
  if (!perms || isPrivileged(call)) return;
  const level = perms[action];
  const member = call.identity.memberId;
  let ok: boolean;
  switch (level) {
    case 'Anyone':
      ok = true;
      break;
    case 'SiteMember':
      ok = member !== null;
      break;
    case 'Author':
      ok = member !== null && (action === 'read' || action === 'insert' || !existing || existing['_owner'] === member);
      break;
    case 'Admin':
      ok = false;
      break;
  }
  if (!ok) throw errors.permission(ACTION_TEXT[action], config?.id ?? '');
}

/** Truncate is for the site owner / elevated code only when a collection has permissions. */
export function checkTruncate(config: EmulatedCollectionConfig | undefined, call: CallContext): void {
  if (config?.permissions && !isPrivileged(call)) throw errors.permission('truncate', config.id);
}

/** 'Author' read: members see only the items they own. */
export function readScope(config: EmulatedCollectionConfig | undefined, call: CallContext): Cond | null {
  if (config?.permissions?.read !== 'Author' || isPrivileged(call)) return null;
  return { op: 'eq', field: '_owner', value: call.identity.memberId ?? '' };
}
