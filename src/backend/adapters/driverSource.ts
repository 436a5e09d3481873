/**
 * Audience ports on Wix Data: DriverProfiles counts and keyset pages, SavedSearches lookups. Every
 * query starts with the tenant (`carrier_dot`), which also leads each DriverProfiles index. Access
 * is elevated; the web-method layer has checked the caller's carrier before calling.
 */
import { DriverProfiles, SavedSearches } from '../collections/people';
import { MAX_PAGE_SIZE, elevatedCollection, type WixDataFilter, type WixDataQuery } from '../platform/data';
import { REACHABILITY_FIELDS, type AudienceDriver, type AudiencePorts, type DriverCondition, type DriverField, type DriverPageRequest, type DriverQuery, type StoredSavedSearch } from '../outreach/audience';
import type { ReachableCounts } from '../outreach/audience/ports';

/** The query/filter builder methods conditions map onto (shared by WixDataQuery and WixDataFilter). */
interface ConditionChain<T> {
  eq(field: string, value: string | number | boolean | Date): T;
  ne(field: string, value: string | number | boolean | Date): T;
  hasSome(field: string, values: string[]): T;
  hasAll(field: string, values: string[]): T;
  ge(field: string, value: number | Date): T;
  lt(field: string, value: number | Date): T;
  between(field: string, start: number, end: number): T;
  isEmpty(field: string): T;
  isNotEmpty(field: string): T;
  and(filter: WixDataFilter): T;
  or(filter: WixDataFilter): T;
  not(filter: WixDataFilter): T;
}

function applyCondition<T extends ConditionChain<T>>(chain: T, condition: DriverCondition, newFilter: () => WixDataFilter): T {
  switch (condition.op) {
    case 'eq':
      return chain.eq(condition.field, condition.value);
    case 'ne':
      return chain.ne(condition.field, condition.value);
    case 'hasSome':
      return chain.hasSome(condition.field, [...condition.values]);
    case 'hasAll':
      return chain.hasAll(condition.field, [...condition.values]);
    case 'ge':
      return chain.ge(condition.field, condition.value);
    case 'lt':
      return chain.lt(condition.field, condition.value);
    case 'between':
      return chain.between(condition.field, condition.start, condition.end);
    case 'isEmpty':
      return chain.isEmpty(condition.field);
    case 'isNotEmpty':
      return chain.isNotEmpty(condition.field);
    case 'or': {
      const [first, ...rest] = condition.branches.map((branch) => applyConditions(newFilter(), branch, newFilter));
      if (!first) return chain.and(newFilter().hasSome('_id', []));
      return chain.and(rest.reduce((acc, f) => acc.or(f), first));
    }
    case 'not':
      return chain.not(applyConditions(newFilter(), condition.all, newFilter));
  }
}

function applyConditions<T extends ConditionChain<T>>(chain: T, conditions: readonly DriverCondition[], newFilter: () => WixDataFilter): T {
  return conditions.reduce((acc, c) => applyCondition(acc, c, newFilter), chain);
}

/** Maps a driver query onto a Wix Data query: tenant first, then the conditions in order. */
export function toWixQuery(q: WixDataQuery, query: DriverQuery, newFilter: () => WixDataFilter): WixDataQuery {
  return applyConditions(q.eq('carrier_dot', query.carrierDot), query.conditions, newFilter);
}

export function driverSourceAdapter(): AudiencePorts {
  const drivers = elevatedCollection(DriverProfiles);
  const searches = elevatedCollection(SavedSearches);
  const newFilter = (): WixDataFilter => drivers.filter();
  return {
    drivers: {
      countDrivers: (query: DriverQuery) => drivers.count((q) => toWixQuery(q, query, newFilter)),
      countReachable: async (query: DriverQuery): Promise<ReachableCounts> => {
        const filter = applyConditions(newFilter().eq('carrier_dot', query.carrierDot), query.conditions, newFilter);
        const result = await drivers
          .aggregate()
          .filter(filter)
          .count('total')
          .sum(REACHABILITY_FIELDS.sms, 'sms')
          .sum(REACHABILITY_FIELDS.email, 'email')
          .sum(REACHABILITY_FIELDS.voicemail, 'voicemail')
          .run();
        // No matching driver: no row.
        const row: Record<string, unknown> = result.items[0] ?? {};
        const count = (key: string): number => (typeof row[key] === 'number' ? (row[key] as number) : 0);
        return { total: count('total'), sms: count('sms'), email: count('email'), voicemail: count('voicemail') };
      },
      findDriversAfter: <F extends DriverField>(request: DriverPageRequest<F>): Promise<AudienceDriver<F>[]> => {
        if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > MAX_PAGE_SIZE) throw new RangeError(`limit must be 1–${MAX_PAGE_SIZE}`);
        const fields = request.fields;
        return drivers.find(
          (q) => {
            const filtered = toWixQuery(q, request, newFilter);
            const page = (request.after === null ? filtered : filtered.gt('_id', request.after)).ascending('_id');
            // A projection: only these fields (and `_id`, which Wix always returns) leave the store.
            return fields === undefined ? page : page.fields('_id', ...fields);
          },
          { limit: request.limit },
        );
      },
    },
    savedSearches: {
      findSavedSearch: async ({ carrierDot, savedSearchId }): Promise<StoredSavedSearch | null> => {
        const [found] = await searches.find((q) => q.eq('carrier_dot', carrierDot).eq('_id', savedSearchId), { limit: 1 });
        return found ? { id: found._id, name: found.name, filter: found.filter } : null;
      },
    },
  };
}
