/**
 * A read-only data browser for developers and end-to-end tests (runs as the site admin, elevated):
 *   GET /_local/api/data/<collection>?limit=N[&eq=field:value]…   → {collection, totalCount, items}
 * (`eq` filters compare string values; repeat it to AND several.)
 * It reads through the same `@wix/data` emulator the site uses, so requests are counted.
 */
import type { ServerResponse } from 'node:http';
import { ADMIN_IDENTITY, runInCall } from '../runtime';
import { sendJson } from './http-util';

interface FindResult {
  readonly items: readonly unknown[];
}
interface QueryLike {
  eq(field: string, value: unknown): QueryLike;
  limit(n: number): QueryLike;
  find(options?: object): Promise<FindResult>;
  count(options?: object): Promise<number>;
}
interface ItemsLike {
  query(collectionId: string): QueryLike;
}

function isItemsLike(value: unknown): value is ItemsLike {
  return typeof value === 'object' && value !== null && typeof (value as { query?: unknown }).query === 'function';
}

export async function handleDataBrowser(res: ServerResponse, url: URL, dataItems: unknown): Promise<void> {
  const m = /^\/_local\/api\/data\/([\w-]+)$/.exec(url.pathname);
  if (!m || !isItemsLike(dataItems)) {
    sendJson(res, 404, { error: 'Use /_local/api/data/<collectionId>?limit=N' });
    return;
  }
  const collection = m[1] ?? '';
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 50) || 50, 1), 1000);
  try {
    const { items, totalCount } = await runInCall({ identity: ADMIN_IDENTITY, elevated: true, kind: 'script', deadline: null }, async () => {
      const filtered = (): QueryLike => {
        let q = dataItems.query(collection);
        for (const clause of url.searchParams.getAll('eq')) {
          const colon = clause.indexOf(':');
          if (colon > 0) q = q.eq(clause.slice(0, colon), clause.slice(colon + 1));
        }
        return q;
      };
      const [found, count] = await Promise.all([filtered().limit(limit).find(), filtered().count()]);
      return { items: found.items, totalCount: count };
    });
    sendJson(res, 200, { collection, totalCount, items });
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
