/**
 * Audience filter → (a) conditions a Wix Data query runs on the carrier's drivers and (b) exact
 * in-memory refinements for what a query can't express exactly (the radius: a bounding box is
 * queried, the haversine distance refines). Also the per-channel reachability conditions.
 */
import { audienceFilter, type AudienceFilter } from '../../collections/common';
import { UnknownPlaceError, boundingBox, isWithinMiles, resolvePlace, resolveZip, type ResolvedPlace } from '../geo';
import type { DriverCondition } from './conditions';
import type { AudienceDriver, DriverField, SavedSearchSource } from './ports';
import { reachableCondition } from './reachability';

export const AUDIENCE_CHANNELS = ['sms', 'email', 'voicemail'] as const;
export type AudienceChannel = (typeof AUDIENCE_CHANNELS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** A filter that can't be evaluated: invalid values, an unknown place or saved search. */
export class AudienceFilterError extends Error {
  constructor(
    /** The filter field at fault, e.g. `within.place` or `saved_search_id`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AudienceFilterError';
  }
}

/** Exact checks run in memory on the drivers the query returns. */
export type Refinement = { readonly kind: 'radius'; readonly center: ResolvedPlace; readonly miles: number };

export interface CompiledAudience {
  /** Conjunction of query conditions (the tenant condition is added by the data source). */
  readonly conditions: readonly DriverCondition[];
  /** Conjunction of in-memory checks; empty when the query alone is exact. */
  readonly refinements: readonly Refinement[];
}

/** The fields refinements read in memory: a projected audience query always asks for them too. */
export const REFINEMENT_FIELDS = ['home_lat', 'home_lng'] as const satisfies readonly DriverField[];
export type RefinementField = (typeof REFINEMENT_FIELDS)[number];
export type RefinedDriver = AudienceDriver<RefinementField>;

export function refinementMatches(refinement: Refinement, driver: RefinedDriver): boolean {
  switch (refinement.kind) {
    case 'radius':
      return driver.home_lat !== null && driver.home_lng !== null && isWithinMiles(refinement.center, refinement.miles, { lat: driver.home_lat, lng: driver.home_lng });
  }
}

export function matchesRefinements(compiled: CompiledAudience, driver: RefinedDriver): boolean {
  return compiled.refinements.every((r) => refinementMatches(r, driver));
}

/**
 * Who a channel can reach at all. Not included: consent (the `has_consent_for` filter and the
 * compliance engine at send time decide it) and driver status (only the `statuses` filter).
 */
/** Drivers the channel can reach: one equality on the stored reachability flag (see ./reachability). */
export function reachabilityConditions(channel: AudienceChannel): readonly DriverCondition[] {
  return [reachableCondition(channel)];
}

function consentConditions(channel: AudienceChannel): readonly DriverCondition[] {
  switch (channel) {
    case 'sms':
      return [{ op: 'eq', field: 'sms_consent.granted', value: true }, { op: 'isEmpty', field: 'sms_consent.revoked_at' }];
    case 'email':
      return [{ op: 'eq', field: 'email_consent.granted', value: true }, { op: 'isEmpty', field: 'email_consent.revoked_at' }];
    case 'voicemail':
      return [{ op: 'eq', field: 'voice_consent.granted', value: true }, { op: 'isEmpty', field: 'voice_consent.revoked_at' }];
  }
}

/** "Nothing on this channel in the last N days": never contacted, or last contact before now − N days. */
function notContactedSince(field: 'last_sms_at' | 'last_email_at', days: number, now: Date): DriverCondition {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return { op: 'or', branches: [[{ op: 'isEmpty', field }], [{ op: 'lt', field, value: cutoff }]] };
}

function listed<T>(values: readonly T[] | undefined): values is readonly T[] {
  return values !== undefined && values.length > 0;
}

async function radiusCenter(within: NonNullable<AudienceFilter['within']>): Promise<ResolvedPlace> {
  try {
    if (within.lat !== undefined && within.lng !== undefined) return { lat: within.lat, lng: within.lng, label: within.place ?? within.zip ?? `${within.lat},${within.lng}` };
    if (within.zip !== undefined) return await resolveZip(within.zip);
    if (within.place !== undefined) return await resolvePlace(within.place);
  } catch (error: unknown) {
    if (error instanceof UnknownPlaceError) throw new AudienceFilterError(within.zip !== undefined ? 'within.zip' : 'within.place', error.message);
    throw error;
  }
  throw new AudienceFilterError('within', 'A radius needs a ZIP code, a "City, ST" place or coordinates');
}

/** Compiles one filter without following `saved_search_id`. */
async function compileOwn(filter: AudienceFilter, now: Date): Promise<CompiledAudience> {
  const conditions: DriverCondition[] = [];
  const refinements: Refinement[] = [];
  // Most selective indexed fields first: (carrier_dot, status, cdl_class) serves these.
  if (listed(filter.statuses)) conditions.push({ op: 'hasSome', field: 'status', values: filter.statuses });
  if (listed(filter.cdl_classes)) conditions.push({ op: 'hasSome', field: 'cdl_class', values: filter.cdl_classes });
  if (filter.within) {
    const center = await radiusCenter(filter.within);
    const box = boundingBox(center, filter.within.miles);
    // `between` is end-exclusive; the box already has slack on both sides.
    conditions.push({ op: 'between', field: 'home_lat', start: box.lat.min, end: box.lat.max });
    if (box.lng) conditions.push({ op: 'between', field: 'home_lng', start: box.lng.min, end: box.lng.max });
    refinements.push({ kind: 'radius', center, miles: filter.within.miles });
  }
  if (listed(filter.include_driver_ids)) conditions.push({ op: 'hasSome', field: '_id', values: filter.include_driver_ids });
  if (listed(filter.exclude_driver_ids)) conditions.push({ op: 'not', all: [{ op: 'hasSome', field: '_id', values: filter.exclude_driver_ids }] });
  if (listed(filter.states)) conditions.push({ op: 'hasSome', field: 'home_state', values: filter.states });
  if (listed(filter.endorsements)) {
    conditions.push({ op: filter.endorsements_match === 'all' ? 'hasAll' : 'hasSome', field: 'endorsements', values: filter.endorsements });
  }
  if (listed(filter.tags)) conditions.push({ op: filter.tags_match === 'all' ? 'hasAll' : 'hasSome', field: 'tags', values: filter.tags });
  if (filter.min_years_experience !== undefined && filter.min_years_experience > 0) {
    conditions.push({ op: 'ge', field: 'years_experience', value: filter.min_years_experience });
  }
  if (filter.has_consent_for) conditions.push(...consentConditions(filter.has_consent_for));
  if (filter.no_sms_in_last_days !== undefined) conditions.push(notContactedSince('last_sms_at', filter.no_sms_in_last_days, now));
  if (filter.no_email_in_last_days !== undefined) conditions.push(notContactedSince('last_email_at', filter.no_email_in_last_days, now));
  return { conditions, refinements };
}

function parseFilter(filter: unknown, field: string): AudienceFilter {
  const parsed = audienceFilter.safeParse(filter);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${[field, ...i.path.map(String)].filter((s) => s !== '').join('.') || 'filter'}: ${i.message}`);
  throw new AudienceFilterError(field || 'filter', `Invalid audience filter (${issues.join('; ')})`);
}

/**
 * Validates and compiles a filter. A `saved_search_id` is resolved through the port (same carrier
 * only) and its filter is ANDed with the other fields; a saved search may not name another one.
 */
export async function compileAudienceFilter(input: {
  readonly carrierDot: string;
  readonly filter: AudienceFilter;
  readonly now: Date;
  readonly savedSearches: SavedSearchSource;
}): Promise<CompiledAudience> {
  const filter = parseFilter(input.filter, '');
  const own = await compileOwn(filter, input.now);
  if (filter.saved_search_id === undefined) return own;
  const saved = await input.savedSearches.findSavedSearch({ carrierDot: input.carrierDot, savedSearchId: filter.saved_search_id });
  if (!saved) throw new AudienceFilterError('saved_search_id', `Unknown saved search "${filter.saved_search_id}" for carrier ${input.carrierDot}`);
  const savedFilter = parseFilter(saved.filter, 'saved_search_id');
  if (savedFilter.saved_search_id !== undefined) {
    throw new AudienceFilterError('saved_search_id', `Saved search "${saved.name}" (${saved.id}) refers to another saved search, which is not allowed`);
  }
  const inner = await compileOwn(savedFilter, input.now);
  return { conditions: [...inner.conditions, ...own.conditions], refinements: [...inner.refinements, ...own.refinements] };
}
