/**
 * `estimateAudience` (counts and cost per channel) and `streamAudience` (pages of reachable drivers
 * in `_id` order, resumable after a driver id). Both work through the ports and never hold more
 * than two pages of drivers.
 */
import type { AudienceFilter } from '../../collections/common';
import { DEFAULT_SMS_PRICE_PER_SEGMENT } from '../../collections/people';
import { AUDIENCE_CHANNELS, REFINEMENT_FIELDS, compileAudienceFilter, matchesRefinements, reachabilityConditions, type AudienceChannel, type CompiledAudience, type RefinedDriver, type RefinementField } from './compile';
import { matchesAll, type DriverCondition } from './conditions';
import type { AudienceDriver, AudiencePorts, DriverField, DriverPageRequest, DriverQuery, DriverSource } from './ports';

/** Wix's query page limit. */
export const MAX_AUDIENCE_PAGE_SIZE = 1000;

export interface AudiencePricing {
  /** Segments per SMS of the message being estimated (see `countSmsSegments`). */
  readonly smsSegments: number;
  /** USD per SMS segment: the carrier's `sms_price_per_segment`. */
  readonly smsPricePerSegment: number;
  /** USD per email. */
  readonly emailPrice: number;
  /** USD per ringless voicemail drop. */
  readonly voicemailPrice: number;
}

/**
 * Defaults when the caller gives no price: 1 segment at $0.0079 (the spec's per-segment default);
 * $0.001 per email (order of magnitude of SendGrid's paid plans, ≈ $0.0004–0.0009 per email at
 * 50K–100K emails/month; a round figure so estimates don't understate); $0.02 per voicemail drop
 * (typical per-drop retail price of ringless voicemail services at volume). Carriers should set
 * their own prices; these only keep an estimate from reading $0.
 */
export const DEFAULT_AUDIENCE_PRICING: AudiencePricing = Object.freeze({
  smsSegments: 1,
  smsPricePerSegment: DEFAULT_SMS_PRICE_PER_SEGMENT,
  emailPrice: 0.001,
  voicemailPrice: 0.02,
});

export type PerChannel<T> = { readonly [C in AudienceChannel]: T };

export interface AudienceEstimate {
  /** Drivers matching the filter (before channel exclusions). */
  readonly total: number;
  /** Matching drivers each channel can reach (opted-out / suppressed / invalid / landline excluded). */
  readonly reachable: PerChannel<number>;
  /** USD: reachable × unit price (SMS: × segments), rounded to $0.0001. */
  readonly costEstimate: PerChannel<number>;
  /** Data requests the estimate made (saved search lookup included). */
  readonly dataRequests?: number;
  /** `count` when the filter was exact in the query, `scan` when pages were refined in memory. */
  readonly method: 'count' | 'scan';
}

export interface EstimateAudienceInput {
  readonly carrierDot: string;
  readonly filter: AudienceFilter;
  readonly now: Date;
  readonly pricing?: Partial<AudiencePricing>;
}

export interface StreamAudienceInput<F extends DriverField = DriverField> {
  readonly carrierDot: string;
  readonly filter: AudienceFilter;
  readonly now: Date;
  readonly channel: AudienceChannel;
  /** Drivers per yielded page, 1–1000 (default 1000). */
  readonly pageSize?: number;
  /** Resume after this driver id (the `cursor` of the last page handled). */
  readonly after?: string;
  /**
   * The fields the consumer reads besides `_id`: only these are read out of the store (plus what
   * in-memory refinements need). Default: every field.
   */
  readonly fields?: readonly F[];
}

export interface AudiencePage<D extends AudienceDriver<never> = AudienceDriver> {
  readonly drivers: readonly D[];
  /** `_id` of the page's last driver: pass as `after` to resume after this page. */
  readonly cursor: string;
}

/** Rounded to 1/100 of a cent: removes floating-point noise, keeps sub-cent prices visible. */
function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

export function costOf(reachable: PerChannel<number>, pricing: AudiencePricing): PerChannel<number> {
  return {
    sms: roundUsd(reachable.sms * pricing.smsSegments * pricing.smsPricePerSegment),
    email: roundUsd(reachable.email * pricing.emailPrice),
    voicemail: roundUsd(reachable.voicemail * pricing.voicemailPrice),
  };
}

function withDefaults(pricing: Partial<AudiencePricing> | undefined): AudiencePricing {
  const p = { ...DEFAULT_AUDIENCE_PRICING, ...pricing };
  for (const [key, value] of Object.entries(p)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`pricing.${key} must be a non-negative number`);
  }
  return p;
}

/** Counts every port call: each is one data request. */
function countingPorts(ports: AudiencePorts): { ports: AudiencePorts; requests: () => number } {
  let requests = 0;
  const drivers: DriverSource = {
    countDrivers: (q: DriverQuery) => ((requests += 1), ports.drivers.countDrivers(q)),
    countReachable: (q: DriverQuery) => ((requests += 1), ports.drivers.countReachable(q)),
    findDriversAfter: <F extends DriverField>(r: DriverPageRequest<F>) => ((requests += 1), ports.drivers.findDriversAfter(r)),
  };
  const savedSearches = { findSavedSearch: (i: { carrierDot: string; savedSearchId: string }) => ((requests += 1), ports.savedSearches.findSavedSearch(i)) };
  return { ports: { drivers, savedSearches }, requests: () => requests };
}

/**
 * The drivers matching `conditions` (refined by `compiled`), in `_id` order after `after`, one query
 * page (`fetchSize`) at a time. Nothing of a page is kept once it is yielded: a consumer that holds
 * a page for a while (a campaign wave being sent) decides alone how long its drivers live.
 */
async function* matchingPages<F extends DriverField>(
  source: DriverSource,
  input: { carrierDot: string; conditions: readonly DriverCondition[]; compiled: CompiledAudience; after: string | null; fetchSize: number; fields: readonly F[] | undefined },
): AsyncGenerator<AudienceDriver<F | RefinementField>[]> {
  const { carrierDot, conditions, fetchSize } = input;
  // Refinements read their fields in memory: a projected query always reads them too.
  const fields = input.fields === undefined ? undefined : [...new Set([...input.fields, ...REFINEMENT_FIELDS])];
  const page = (after: string | null): Promise<readonly AudienceDriver<F | RefinementField>[]> =>
    fields === undefined ? source.findDriversAfter({ carrierDot, conditions, after, limit: fetchSize }) : source.findDriversAfter({ carrierDot, conditions, after, limit: fetchSize, fields });
  let after = input.after;
  for (;;) {
    const { matching, last, more } = refinePage(await page(after), input.compiled, fetchSize);
    if (matching.length > 0) yield matching;
    if (!more || last === null) return;
    after = last;
  }
}

function refinePage<D extends RefinedDriver>(found: readonly D[], compiled: CompiledAudience, fetchSize: number): { matching: D[]; last: string | null; more: boolean } {
  const last = found[found.length - 1]?._id ?? null;
  const matching = compiled.refinements.length === 0 ? [...found] : found.filter((driver) => matchesRefinements(compiled, driver));
  return { matching, last, more: found.length >= fetchSize };
}

const zeroPerChannel = (): { sms: number; email: number; voicemail: number } => ({ sms: 0, email: 0, voicemail: 0 });

export async function estimateAudience(ports: AudiencePorts, input: EstimateAudienceInput): Promise<AudienceEstimate> {
  const pricing = withDefaults(input.pricing);
  const counted = countingPorts(ports);
  const compiled = await compileAudienceFilter({ carrierDot: input.carrierDot, filter: input.filter, now: input.now, savedSearches: counted.ports.savedSearches });
  const reachable = zeroPerChannel();
  let total = 0;
  const method = compiled.refinements.length === 0 ? 'count' : 'scan';
  if (method === 'count') {
    // Exact in the query: one aggregate gives the total and every channel's reachable count.
    const counts = await counted.ports.drivers.countReachable({ carrierDot: input.carrierDot, conditions: compiled.conditions });
    total = counts.total;
    for (const channel of AUDIENCE_CHANNELS) reachable[channel] = counts[channel];
  } else {
    // One streaming pass: refine each page in memory and count every channel from the same drivers.
    const channelConditions = AUDIENCE_CHANNELS.map((channel) => [channel, reachabilityConditions(channel)] as const);
    const pages = matchingPages(counted.ports.drivers, { carrierDot: input.carrierDot, conditions: compiled.conditions, compiled, after: null, fetchSize: MAX_AUDIENCE_PAGE_SIZE, fields: undefined });
    for await (const drivers of pages) {
      for (const driver of drivers) {
        total += 1;
        for (const [channel, conditions] of channelConditions) if (matchesAll(driver, conditions)) reachable[channel] += 1;
      }
    }
  }
  return { total, reachable, costEstimate: costOf(reachable, pricing), dataRequests: counted.requests(), method };
}

/**
 * Yields the filter's drivers reachable on `channel`, `pageSize` at a time, in `_id` ascending
 * order. Pages are refilled across query pages when refinements drop drivers, so every page but
 * the last is full. Resume with `after` = the `cursor` of the last page that was handled.
 */
export async function* streamAudience<F extends DriverField = DriverField>(ports: AudiencePorts, input: StreamAudienceInput<F>): AsyncGenerator<AudiencePage<AudienceDriver<F>>> {
  const pageSize = input.pageSize ?? MAX_AUDIENCE_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_AUDIENCE_PAGE_SIZE) throw new RangeError(`pageSize must be an integer from 1 to ${MAX_AUDIENCE_PAGE_SIZE}`);
  const compiled = await compileAudienceFilter({ carrierDot: input.carrierDot, filter: input.filter, now: input.now, savedSearches: ports.savedSearches });
  const conditions = [...compiled.conditions, ...reachabilityConditions(input.channel)];
  // Exact queries fetch exactly a page; refined ones fetch the maximum to spend fewer requests.
  const fetchSize = compiled.refinements.length === 0 ? pageSize : MAX_AUDIENCE_PAGE_SIZE;
  // Drivers fetched and not yet yielded: a page handed out is no longer referenced here.
  const buffer: AudienceDriver<F>[] = [];
  for await (const matching of matchingPages(ports.drivers, { carrierDot: input.carrierDot, conditions, compiled, after: input.after ?? null, fetchSize, fields: input.fields })) {
    for (const driver of matching) buffer.push(driver);
    matching.length = 0;
    while (buffer.length >= pageSize) yield pageOf(buffer.splice(0, pageSize));
  }
  if (buffer.length > 0) yield pageOf(buffer.splice(0));
}

function pageOf<D extends AudienceDriver<never>>(drivers: D[]): AudiencePage<D> {
  return { drivers, cursor: drivers[drivers.length - 1]?._id ?? '' };
}

/** The ports bound once: the signatures the web-method and job layers call. */
export function createAudienceService(ports: AudiencePorts): {
  estimateAudience(input: EstimateAudienceInput): Promise<AudienceEstimate>;
  streamAudience<F extends DriverField = DriverField>(input: StreamAudienceInput<F>): AsyncGenerator<AudiencePage<AudienceDriver<F>>>;
} {
  return {
    estimateAudience: (input) => estimateAudience(ports, input),
    streamAudience: <F extends DriverField = DriverField>(input: StreamAudienceInput<F>) => streamAudience(ports, input),
  };
}
