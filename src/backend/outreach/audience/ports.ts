/**
 * What audience evaluation needs from storage. Each method is ONE data request; the adapter
 * (src/backend/adapters/driverSource.ts) implements them on Wix Data, tests may fake them.
 */
import type { AudienceFilter } from '../../collections/common';
import type { DriverProfile } from '../../collections/people';
import type { DriverCondition } from './conditions';

/** A DriverProfiles field a consumer of the audience may ask for (`_id` always comes). */
export type DriverField = Exclude<keyof DriverProfile, '_id' | '_createdDate' | '_updatedDate' | '_owner'>;

/** A driver as the data source returns it: `_id` and the fields asked for (every field by default). */
export type AudienceDriver<F extends DriverField = DriverField> = Pick<DriverProfile, '_id' | F>;

/**
 * Conditions on one carrier's drivers. The tenant is not a condition: the adapter always applies
 * `carrier_dot = carrierDot` first, then `conditions` (a conjunction) in order.
 */
export interface DriverQuery {
  readonly carrierDot: string;
  readonly conditions: readonly DriverCondition[];
}

export interface DriverPageRequest<F extends DriverField = DriverField> extends DriverQuery {
  /** Only drivers whose `_id` sorts after this one (keyset cursor); `null` from the start. */
  readonly after: string | null;
  /** 1–1000. */
  readonly limit: number;
  /**
   * The fields to read besides `_id` (a query projection: the rest of each profile is neither
   * read out nor sent); `undefined`: every field.
   */
  readonly fields?: readonly F[];
}

/** Matching drivers and how many of them each channel can reach. */
export interface ReachableCounts {
  readonly total: number;
  readonly sms: number;
  readonly email: number;
  readonly voicemail: number;
}

export interface DriverSource {
  /** Number of matching drivers: one `count()` request. */
  countDrivers(query: DriverQuery): Promise<number>;
  /** Total and per-channel reachable counts: ONE aggregate request (a count and a sum per reachability flag). */
  countReachable(query: DriverQuery): Promise<ReachableCounts>;
  /** Up to `limit` matching drivers in `_id` ascending order, with the fields asked for: one `find()` request. */
  findDriversAfter<F extends DriverField>(request: DriverPageRequest<F>): Promise<readonly AudienceDriver<F>[]>;
}

export interface StoredSavedSearch {
  readonly id: string;
  readonly name: string;
  readonly filter: AudienceFilter;
}

export interface SavedSearchSource {
  /** The carrier's saved search with that id, or `null` (also when it belongs to another carrier). */
  findSavedSearch(input: { readonly carrierDot: string; readonly savedSearchId: string }): Promise<StoredSavedSearch | null>;
}

export interface AudiencePorts {
  readonly drivers: DriverSource;
  readonly savedSearches: SavedSearchSource;
}
