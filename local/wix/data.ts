/**
 * Local `@wix/data`: `items` delegates every call to the running host's data emulator
 * (`runtime().dataItems`, see local/data/), looked up lazily so jest and the local host share it.
 * Typed as the real SDK's `items`, so site code compiled against `@wix/data` runs on it unchanged.
 */
import type { items as SdkItems } from '@wix/data';
import { runtime } from '../runtime';

type Fn = (...args: unknown[]) => unknown;

function target(): Record<string, unknown> {
  const impl = runtime().dataItems;
  if (typeof impl !== 'object' || impl === null) throw new Error('The local Wix host has no data emulator installed (runtime().dataItems).');
  return impl as Record<string, unknown>;
}

function delegate(name: string): Fn {
  return (...args: unknown[]): unknown => {
    const f = target()[name];
    if (typeof f !== 'function') throw new Error(`@wix/data items.${name} is not emulated locally`);
    return (f as Fn)(...args);
  };
}

const NAMES = ['query', 'filter', 'aggregate', 'get', 'insert', 'update', 'patch', 'bulkPatch', 'save', 'remove', 'truncate', 'bulkInsert', 'bulkUpdate', 'bulkSave', 'bulkRemove'] as const;

const local: Record<string, Fn> = Object.fromEntries(NAMES.map((n) => [n, delegate(n)]));

export const items = local as unknown as typeof SdkItems;
