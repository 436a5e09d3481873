/**
 * `compute` with its results for the most recent keys kept: at most `limit` of them, the oldest
 * dropped first. For the local tools' hot paths that format or decode the same few inputs again and
 * again (timestamps shared by a batch, one Basic header per client).
 */
export function memoize<K, V extends NonNullable<unknown> | null>(compute: (key: K) => V, limit: number): (key: K) => V {
  const kept = new Map<K, V>();
  return (key) => {
    const hit = kept.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (kept.size >= limit) {
      const oldest = kept.keys().next();
      if (!oldest.done) kept.delete(oldest.value);
    }
    kept.set(key, value);
    return value;
  };
}
