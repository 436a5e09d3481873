/**
 * What audience evaluation needs from storage. Each method is ONE data request; the adapter
 * (src/backend/adapters/driverSource.ts) implements them on Wix Data, tests may fake them.
 */
import type { AudienceFilter } from '../../collections/common';
import type { DriverProfile } from '../../collections/people';
import type { DriverCondition } from './conditions';

/** A driver as the data source returns it. */
export type AudienceDriver = DriverProfile;

/**
 * Conditions on one carrier's drivers. The tenant is not a condition: the adapter always applies
 * `carrier_dot = carrierDot` first, then `conditions` (a conjunction) in order.
 */
export interface DriverQuery {
  readonly carrierDot: string;
  readonly conditions: readonly DriverCondition[];
}

export interface DriverPageRequest extends DriverQuery {
  /** Only drivers whose `_id` sorts after this one (keyset cursor); `null` from the start. */
  readonly after: string | null;
  /** 1–1000. */
  readonly limit: number;
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
  /** Up to `limit` matching drivers in `_id` ascending order: one `find()` request. */
  findDriversAfter(request: DriverPageRequest): Promise<readonly AudienceDriver[]>;
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
