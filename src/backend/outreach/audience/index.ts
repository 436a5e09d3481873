/** Audience filters: compile, estimate (counts and cost per channel) and stream reachable drivers. */
export { AUDIENCE_CHANNELS, AudienceFilterError, compileAudienceFilter, reachabilityConditions, refinementMatches, type AudienceChannel, type CompiledAudience, type Refinement } from './compile';
export { DRIVER_QUERY_FIELDS, matchesAll, matchesCondition, type DriverCondition, type DriverQueryField } from './conditions';
export {
  DEFAULT_AUDIENCE_PRICING,
  MAX_AUDIENCE_PAGE_SIZE,
  costOf,
  createAudienceService,
  estimateAudience,
  streamAudience,
  type AudienceEstimate,
  type AudiencePage,
  type AudiencePricing,
  type EstimateAudienceInput,
  type PerChannel,
  type StreamAudienceInput,
} from './evaluate';
export type { AudienceDriver, AudiencePorts, DriverField, DriverPageRequest, DriverQuery, DriverSource, SavedSearchSource, StoredSavedSearch } from './ports';
export { reachabilityOf, reachableCondition, REACHABILITY_FIELDS, type Reachability } from './reachability';
