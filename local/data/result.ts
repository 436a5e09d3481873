/** `WixDataResult`: one page with paging helpers. */
import { errors } from './errors';

export interface PageResult<T> {
  readonly items: T[];
  readonly totalCount: number | undefined;
  readonly totalPages: number | undefined;
  readonly pageSize: number | undefined;
  readonly currentPage: number | undefined;
  readonly length: number;
  hasNext(): boolean;
  hasPrev(): boolean;
  next(): Promise<PageResult<T>>;
  prev(): Promise<PageResult<T>>;
}

export interface PageSpec<T> {
  readonly items: T[];
  readonly pageSize: number;
  readonly skip: number;
  readonly hasMore: boolean;
  readonly totalCount: number | undefined;
  /** Fetches the page at another skip (another data request), or null when paging isn't possible. */
  readonly page: ((skip: number) => Promise<PageResult<T>>) | null;
  readonly collectionId: string;
}

export function makeResult<T>(spec: PageSpec<T>): PageResult<T> {
  const { items, pageSize, skip, hasMore, totalCount, page, collectionId } = spec;
  const size = Math.max(pageSize, 1);
  return {
    items,
    totalCount,
    totalPages: totalCount === undefined ? undefined : Math.ceil(totalCount / size),
    pageSize,
    currentPage: items.length === 0 && skip === 0 ? undefined : Math.floor(skip / size),
    length: items.length,
    hasNext: () => hasMore,
    hasPrev: () => skip > 0,
    next: () => (hasMore && page ? page(skip + pageSize) : Promise.reject(errors.noNextPage(collectionId))),
    prev: () => (skip > 0 && page ? page(Math.max(0, skip - pageSize)) : Promise.reject(errors.noPrevPage(collectionId))),
  };
}
