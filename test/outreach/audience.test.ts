/**
 * Audience filters end to end: the domain (compile, estimate, stream) through the Wix Data adapter
 * on the in-process emulator, compared with a brute-force evaluation over the same generated drivers.
 */
import type { AudienceFilter } from '../../src/backend/collections/common';
import { DriverProfiles, SavedSearches, type DriverProfile } from '../../src/backend/collections/people';
import { driverSourceAdapter } from '../../src/backend/adapters/driverSource';
import { AUDIENCE_CHANNELS, AudienceFilterError, estimateAudience, streamAudience, type AudienceChannel, type AudiencePorts } from '../../src/backend/outreach/audience';
import { haversineMiles } from '../../src/backend/outreach/geo';
import { elevatedCollection } from '../../src/backend/platform/data';
import { DEMO_AS_OF, DEMO_CARRIER_DOT, demoSavedSearches, driverId, generateDrivers } from '../../local/seed/generate';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

const CARRIER = DEMO_CARRIER_DOT;
const OTHER_CARRIER = '7654321';
const NOW = DEMO_AS_OF;
const DAY = 86_400_000;
const DALLAS = { lat: 32.7767, lng: -96.797 };

/** Generated drivers plus deterministic edge cases the generator doesn't produce. */
function driversOf(carrierDot: string, count: number): DriverProfile[] {
  const out: DriverProfile[] = [];
  for (const page of generateDrivers({ count, seed: 7, carrierDot })) {
    for (const d of page) {
      const i = out.length;
      const edited: DriverProfile = { ...d };
      if (i % 17 === 3) edited.sms_opted_out_at = new Date(NOW.getTime() - 5 * DAY);
      if (i % 19 === 4) edited.email_suppressed_reason = 'hard_bounce';
      if (i % 23 === 5) Object.assign(edited, { home_lat: null, home_lng: null });
      if (i % 29 === 6 && edited.sms_consent) edited.sms_consent = { ...edited.sms_consent, granted: true, revoked_at: new Date(NOW.getTime() - DAY) };
      // Exactly on the 30-day cutoff: that SMS was sent within the last 30 days.
      if (i % 31 === 7) edited.last_sms_at = new Date(NOW.getTime() - 30 * DAY);
      if (i % 37 === 8) edited.last_sms_at = new Date(NOW.getTime() - 30 * DAY - 1);
      if (i % 41 === 9) edited.email_valid = false;
      out.push(edited);
    }
  }
  return out;
}

// ── Brute force: the filter semantics written out plainly, one driver at a time ─────────────────
function consentGranted(d: DriverProfile, channel: AudienceChannel): boolean {
  const record = channel === 'sms' ? d.sms_consent : channel === 'email' ? d.email_consent : d.voice_consent;
  return record?.granted === true && (record.revoked_at ?? null) === null;
}

function anyOrAll<T>(have: readonly T[], want: readonly T[] | undefined, match: 'any' | 'all' | undefined): boolean {
  if (!want || want.length === 0) return true;
  return match === 'all' ? want.every((w) => have.includes(w)) : want.some((w) => have.includes(w));
}

function notSince(at: Date | null | undefined, days: number | undefined): boolean {
  return days === undefined || !at || at.getTime() < NOW.getTime() - days * DAY;
}

function bruteMatches(d: DriverProfile, f: AudienceFilter, center: { lat: number; lng: number } | null): boolean {
  if (d.carrier_dot !== CARRIER) return false;
  if (f.cdl_classes?.length && !f.cdl_classes.includes(d.cdl_class)) return false;
  if (f.statuses?.length && !f.statuses.includes(d.status)) return false;
  if (!anyOrAll(d.endorsements, f.endorsements, f.endorsements_match)) return false;
  if (!anyOrAll(d.tags, f.tags, f.tags_match)) return false;
  if (f.min_years_experience !== undefined && d.years_experience < f.min_years_experience) return false;
  if (f.states?.length && (d.home_state === null || !f.states.includes(d.home_state))) return false;
  if (f.within && center) {
    if (d.home_lat === null || d.home_lng === null) return false;
    if (haversineMiles(center, { lat: d.home_lat, lng: d.home_lng }) > f.within.miles) return false;
  }
  if (!notSince(d.last_sms_at, f.no_sms_in_last_days) || !notSince(d.last_email_at, f.no_email_in_last_days)) return false;
  if (f.has_consent_for && !consentGranted(d, f.has_consent_for)) return false;
  if (f.include_driver_ids?.length && !f.include_driver_ids.includes(d._id)) return false;
  if (f.exclude_driver_ids?.includes(d._id)) return false;
  return true;
}

function bruteReachable(d: DriverProfile, channel: AudienceChannel): boolean {
  switch (channel) {
    case 'sms':
      return d.phone !== null && d.phone_valid && d.phone_line_type !== 'landline' && !d.sms_opted_out_at;
    case 'email':
      return d.email !== null && d.email_valid && !d.email_suppressed_reason;
    case 'voicemail':
      return d.phone !== null && d.phone_valid;
  }
}

let rt: TestRuntime;
let ports: AudiencePorts;
let all: DriverProfile[];

beforeAll(async () => {
  rt = installTestRuntime();
  all = [...driversOf(CARRIER, 2500), ...driversOf(OTHER_CARRIER, 400)];
  await rt.asJob(async () => {
    await elevatedCollection(DriverProfiles).bulkInsert(all);
    await elevatedCollection(SavedSearches).bulkInsert(demoSavedSearches());
    await elevatedCollection(SavedSearches).bulkInsert([
      { _id: 'nested', carrier_dot: CARRIER, owner_member_id: 'm1', name: 'Nested', filter: { saved_search_id: 'search-2233445-dallas-class-a' }, shared: true },
      { _id: 'theirs', carrier_dot: OTHER_CARRIER, owner_member_id: 'm2', name: 'Theirs', filter: { statuses: ['hired'] }, shared: true },
    ]);
  });
  ports = driverSourceAdapter();
});
afterAll(() => rt.close());

const someIds = (): string[] => Array.from({ length: 300 }, (_, k) => driverId(CARRIER, k * 7));

const CASES: ReadonlyArray<{ name: string; filter: AudienceFilter; center?: { lat: number; lng: number }; method: 'count' | 'scan' }> = [
  { name: 'empty filter (every driver of the carrier)', filter: {}, method: 'count' },
  { name: 'statuses + CDL class', filter: { statuses: ['job_seeking', 'open_to_offers'], cdl_classes: ['A'] }, method: 'count' },
  { name: 'endorsements any', filter: { endorsements: ['H', 'X'] }, method: 'count' },
  { name: 'endorsements all', filter: { endorsements: ['H', 'N'], endorsements_match: 'all' }, method: 'count' },
  { name: 'tags any', filter: { tags: ['reefer', 'flatbed'] }, method: 'count' },
  { name: 'tags all', filter: { tags: ['otr', 'veteran'], tags_match: 'all' }, method: 'count' },
  { name: 'minimum years of experience', filter: { min_years_experience: 5 }, method: 'count' },
  { name: 'states', filter: { states: ['TX', 'OK', 'CA'] }, method: 'count' },
  { name: 'no SMS in 30 days', filter: { no_sms_in_last_days: 30 }, method: 'count' },
  { name: 'no email in 14 days', filter: { no_email_in_last_days: 14 }, method: 'count' },
  { name: 'SMS consent + no SMS in 30 days', filter: { has_consent_for: 'sms', no_sms_in_last_days: 30 }, method: 'count' },
  { name: 'email consent', filter: { has_consent_for: 'email' }, method: 'count' },
  { name: 'voicemail consent', filter: { has_consent_for: 'voicemail' }, method: 'count' },
  { name: 'include ids', filter: { include_driver_ids: someIds().slice(0, 120) }, method: 'count' },
  { name: 'exclude ids', filter: { exclude_driver_ids: someIds(), statuses: ['employed'] }, method: 'count' },
  { name: 'include and exclude (exclusion wins)', filter: { include_driver_ids: someIds().slice(0, 50), exclude_driver_ids: someIds().slice(25, 60) }, method: 'count' },
  { name: '200 miles of "Dallas, TX"', filter: { within: { miles: 200, place: 'Dallas, TX' } }, center: DALLAS, method: 'scan' },
  { name: '300 miles of ZIP 30303 + class A', filter: { within: { miles: 300, zip: '30303' }, cdl_classes: ['A'] }, center: { lat: 33.7525, lng: -84.3888 }, method: 'scan' },
  { name: '150 miles of coordinates + consent + no SMS', filter: { within: { miles: 150, lat: 34.05, lng: -118.24 }, has_consent_for: 'sms', no_sms_in_last_days: 30 }, center: { lat: 34.05, lng: -118.24 }, method: 'scan' },
];

/** The centre the implementation resolves (place → dataset coordinates) is taken from geo's own lookup. */
async function centerOf(filter: AudienceFilter, fallback: { lat: number; lng: number } | undefined): Promise<{ lat: number; lng: number } | null> {
  if (!filter.within) return null;
  if (filter.within.lat !== undefined && filter.within.lng !== undefined) return { lat: filter.within.lat, lng: filter.within.lng };
  const geo = await import('../../src/backend/outreach/geo');
  const resolved = filter.within.zip ? await geo.resolveZip(filter.within.zip) : await geo.resolvePlace(filter.within.place ?? '');
  // The resolved centre must be the place asked for (within 15 miles of its known coordinates).
  if (fallback) expect(haversineMiles(resolved, fallback)).toBeLessThan(15);
  return resolved;
}

async function streamedIds(filter: AudienceFilter, channel: AudienceChannel, pageSize = 1000, after?: string): Promise<string[]> {
  const ids: string[] = [];
  await rt.asJob(async () => {
    for await (const page of streamAudience(ports, { carrierDot: CARRIER, filter, now: NOW, channel, pageSize, ...(after ? { after } : {}) })) {
      expect(page.drivers.length).toBeLessThanOrEqual(pageSize);
      expect(page.cursor).toBe(page.drivers[page.drivers.length - 1]?._id);
      ids.push(...page.drivers.map((d) => d._id));
    }
  });
  return ids;
}

describe('estimateAudience and streamAudience equal a brute-force evaluation', () => {
  test.each(CASES)('$name', async ({ filter, center, method }) => {
    const c = await centerOf(filter, center);
    const matching = all.filter((d) => bruteMatches(d, filter, c));
    expect(matching.length).toBeGreaterThan(0);
    const estimate = await rt.asJob(() => estimateAudience(ports, { carrierDot: CARRIER, filter, now: NOW, pricing: { smsSegments: 2 } }));
    expect(estimate.method).toBe(method);
    expect(estimate.total).toBe(matching.length);
    for (const channel of AUDIENCE_CHANNELS) {
      const expected = matching.filter((d) => bruteReachable(d, channel)).map((d) => d._id).sort();
      expect(estimate.reachable[channel]).toBe(expected.length);
      expect(await streamedIds(filter, channel)).toEqual(expected);
    }
    expect(estimate.costEstimate.sms).toBeCloseTo(estimate.reachable.sms * 2 * 0.0079, 4);
    expect(estimate.costEstimate.email).toBeCloseTo(estimate.reachable.email * 0.001, 4);
    expect(estimate.costEstimate.voicemail).toBeCloseTo(estimate.reachable.voicemail * 0.02, 4);
    if (method === 'count') expect(estimate.dataRequests).toBe(1);
  });

  test('a saved search is ANDed with the other fields, and costs one extra request', async () => {
    const [saved] = demoSavedSearches();
    if (!saved) throw new Error('no demo saved search');
    const extra: AudienceFilter = { min_years_experience: 2 };
    const c = await centerOf(saved.filter, DALLAS);
    const expected = all.filter((d) => bruteMatches(d, saved.filter, c) && bruteMatches(d, extra, null));
    const estimate = await rt.asJob(() => estimateAudience(ports, { carrierDot: CARRIER, filter: { ...extra, saved_search_id: saved._id ?? '' }, now: NOW }));
    expect(estimate.total).toBe(expected.length);
    expect(estimate.reachable.sms).toBe(expected.filter((d) => bruteReachable(d, 'sms')).length);
  });

  test('the count path asks only for the total when nobody matches', async () => {
    const estimate = await rt.asJob(() => estimateAudience(ports, { carrierDot: CARRIER, filter: { include_driver_ids: ['no-such-driver'] }, now: NOW }));
    expect(estimate).toMatchObject({ total: 0, reachable: { sms: 0, email: 0, voicemail: 0 }, dataRequests: 1 });
  });
});

describe('streamAudience paging', () => {
  const filter: AudienceFilter = { statuses: ['job_seeking', 'employed'] };

  test('resuming after a page cursor continues exactly where the stream left off', async () => {
    const full = await streamedIds(filter, 'sms', 100);
    const firstPages: string[] = [];
    let cursor = '';
    await rt.asJob(async () => {
      for await (const page of streamAudience(ports, { carrierDot: CARRIER, filter, now: NOW, channel: 'sms', pageSize: 100 })) {
        expect(page.drivers).toHaveLength(100);
        firstPages.push(...page.drivers.map((d) => d._id));
        cursor = page.cursor;
        if (firstPages.length === 300) break;
      }
    });
    const rest = await streamedIds(filter, 'sms', 100, cursor);
    expect([...firstPages, ...rest]).toEqual(full);
  });

  test('refined pages are refilled to full size except the last', async () => {
    const sizes: number[] = [];
    await rt.asJob(async () => {
      for await (const page of streamAudience(ports, { carrierDot: CARRIER, filter: { within: { miles: 600, place: 'Dallas, TX' } }, now: NOW, channel: 'email', pageSize: 50 })) sizes.push(page.drivers.length);
    });
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes.slice(0, -1).every((n) => n === 50)).toBe(true);
  });

  test('pages are fetched lazily: one data request per page consumed', async () => {
    let requests = 0;
    const counting: AudiencePorts = {
      savedSearches: ports.savedSearches,
      drivers: { countDrivers: (q) => ports.drivers.countDrivers(q), countReachable: (q) => ports.drivers.countReachable(q), findDriversAfter: (r) => ((requests += 1), ports.drivers.findDriversAfter(r)) },
    };
    await rt.asJob(async () => {
      const stream = streamAudience(counting, { carrierDot: CARRIER, filter: {}, now: NOW, channel: 'voicemail', pageSize: 200 });
      await stream.next();
      await stream.next();
      expect(requests).toBe(2);
      await stream.return(undefined);
    });
  });

  test.each([
    // What refinements read in memory (the radius) comes too, refined or not.
    ['an exact filter', filter, ['_id', 'first_name', 'home_lat', 'home_lng', 'phone']],
    ['a refined filter', { within: { miles: 600, place: 'Dallas, TX' } } satisfies AudienceFilter, ['_id', 'first_name', 'home_lat', 'home_lng', 'phone']],
  ] as const)('a projected stream (%s) yields the same drivers with only the fields asked for', async (_name, projected, keys) => {
    const full = await streamedIds(projected, 'sms', 100);
    const byId = new Map(all.map((d) => [d._id, d]));
    const seen: string[] = [];
    await rt.asJob(async () => {
      for await (const page of streamAudience(ports, { carrierDot: CARRIER, filter: projected, now: NOW, channel: 'sms', pageSize: 100, fields: ['first_name', 'phone'] })) {
        for (const driver of page.drivers) {
          expect(Object.keys(driver).sort()).toEqual(keys);
          const stored = byId.get(driver._id);
          expect(driver).toEqual(Object.fromEntries(keys.map((k) => [k, stored?.[k]])));
          seen.push(driver._id);
        }
      }
    });
    expect(seen).toEqual(full);
    expect(seen.length).toBeGreaterThan(100);
  });

  test('rejects page sizes above the Wix page limit', async () => {
    const stream = streamAudience(ports, { carrierDot: CARRIER, filter: {}, now: NOW, channel: 'sms', pageSize: 1001 });
    await expect(stream.next()).rejects.toThrow(RangeError);
  });
});

describe('filter errors', () => {
  const estimate = (filter: AudienceFilter): Promise<unknown> => rt.asJob(() => estimateAudience(ports, { carrierDot: CARRIER, filter, now: NOW }));

  test('an unknown "City, ST" is named in the error', async () => {
    await expect(estimate({ within: { miles: 50, place: 'Springfeldia, ZZ' } })).rejects.toThrow(/Unknown place "Springfeldia, ZZ"/);
    await expect(estimate({ within: { miles: 50, place: 'Springfeldia, ZZ' } })).rejects.toBeInstanceOf(AudienceFilterError);
  });

  test('an unknown ZIP and a radius without a place are rejected', async () => {
    await expect(estimate({ within: { miles: 50, zip: '00000' } })).rejects.toThrow(/Unknown place "00000"/);
    await expect(estimate({ within: { miles: 50 } })).rejects.toThrow(/needs a ZIP code/);
  });

  test('an unknown saved search, or another carrier\'s, is an error naming the id', async () => {
    await expect(estimate({ saved_search_id: 'nope' })).rejects.toThrow(/Unknown saved search "nope"/);
    await expect(estimate({ saved_search_id: 'theirs' })).rejects.toThrow(/Unknown saved search "theirs"/);
  });

  test('a saved search may not refer to another saved search', async () => {
    await expect(estimate({ saved_search_id: 'nested' })).rejects.toThrow(/refers to another saved search/);
  });

  test('invalid values are reported with their field', async () => {
    await expect(estimate({ min_years_experience: -1 })).rejects.toThrow(/min_years_experience/);
  });
});
