/** Helpers the batch paths share (no Wix modules: usable from the pure core and the platform). */

/** Consecutive slices of at most `size` items (bulk calls take ≤ 1000). */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Groups by a key, keeping input order inside each group and first-seen order of the keys. */
export function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Attaches a no-op handler so a promise awaited later never counts as an unhandled rejection. */
export function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
