import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { DriverProfiles, type DriverProfile } from '../../src/backend/collections/people';
import { US_JURISDICTIONS } from '../../src/backend/collections/vocabulary';
import {
  AREA_CODES_BY_STATE,
  DRIVER_MIX,
  STATE_BY_AREA_CODE,
  US_TIME_ZONES,
  demoCarrier,
  demoMembers,
  demoRecruiters,
  demoSavedSearches,
  generateDrivers,
  rootOf,
} from '../../local/seed/generate';
import { Carriers, RecruiterProfiles, SavedSearches } from '../../src/backend/collections/people';
import { createDriverSummarizer } from '../../local/seed/summary';

const DOT = '2233445';

function all(count: number, seed = 42, startIndex = 0): DriverProfile[] {
  const out: DriverProfile[] = [];
  for (const page of generateDrivers({ count, seed, carrierDot: DOT, startIndex })) out.push(...page);
  return out;
}

describe('generateDrivers', () => {
  const drivers = all(5000);

  it('is deterministic: same seed, same output; another seed, another output', () => {
    expect(all(300)).toEqual(drivers.slice(0, 300));
    const other = all(300, 7);
    expect(other.map((d) => d.phone)).not.toEqual(drivers.slice(0, 300).map((d) => d.phone));
  });

  it('generates any slice on its own (startIndex) identical to the full run', () => {
    expect(all(250, 42, 1234)).toEqual(drivers.slice(1234, 1484));
    expect(new Set(drivers.map((d) => d._id)).size).toBe(5000);
  });

  it('every driver parses with the DriverProfiles schema', () => {
    for (const d of drivers) {
      const r = DriverProfiles.schema.safeParse(d);
      if (!r.success) throw new Error(`${d._id}: ${r.error.message}`);
    }
  });

  it('covers all 50 states and DC, roughly in proportion to the trucking workforce', () => {
    const byState = new Map<string, number>();
    for (const d of drivers) byState.set(d.home_state ?? 'none', (byState.get(d.home_state ?? 'none') ?? 0) + 1);
    expect([...byState.keys()].sort()).toEqual([...US_JURISDICTIONS].sort());
    expect(byState.get('TX') ?? 0).toBeGreaterThan(byState.get('VT') ?? 0);
    expect(byState.get('TX') ?? 0).toBeGreaterThan(5000 * 0.07);
    expect(byState.get('CA') ?? 0).toBeGreaterThan(byState.get('NV') ?? 0);
  });

  it('uses real ZIPs with their city and coordinates', () => {
    for (const d of drivers.slice(0, 500)) {
      if (d.home_lat === null || d.home_lng === null) throw new Error(`${d._id} has no home coordinates`);
      expect(d.home_zip).toMatch(/^\d{5}$/);
      expect(d.home_lat).toBeGreaterThan(18);
      expect(d.home_lat).toBeLessThan(72);
      expect(d.home_lng).toBeLessThan(-66);
    }
  });

  it('covers Arizona, Hawaii, Alaska and both zones of split-zone states', () => {
    const zones = (state: string): Set<string> => new Set(drivers.filter((d) => d.home_state === state).map((d) => d.home_time_zone ?? 'none'));
    expect(zones('AZ')).toContain('America/Phoenix');
    expect(zones('HI')).toEqual(new Set(['Pacific/Honolulu']));
    expect(zones('AK')).toContain('America/Anchorage');
    expect([...zones('FL')]).toEqual(expect.arrayContaining(['America/New_York', 'America/Chicago']));
    expect([...zones('TX')]).toEqual(expect.arrayContaining(['America/Chicago', 'America/Denver']));
    expect([...zones('TN')]).toEqual(expect.arrayContaining(['America/Chicago', 'America/New_York']));
    expect([...zones('KY')]).toEqual(expect.arrayContaining(['America/Chicago']));
    expect([...zones('KY')].some((z) => z.startsWith('America/Kentucky/') || z === 'America/New_York')).toBe(true);
    expect([...zones('IN')]).toEqual(expect.arrayContaining(['America/Chicago', 'America/Indiana/Indianapolis']));
    expect([...zones('OR')]).toEqual(expect.arrayContaining(['America/Los_Angeles', 'America/Boise']));
    expect([...zones('ID')]).toEqual(expect.arrayContaining(['America/Los_Angeles', 'America/Boise']));
    for (const d of drivers) expect(US_TIME_ZONES.has(d.home_time_zone ?? 'none')).toBe(true);
  });

  it('gives valid E.164 numbers whose area code belongs to the home state, except deliberate cases', () => {
    let moved = 0;
    let checked = 0;
    for (const d of drivers) {
      if (d.phone === null) continue;
      expect(d.phone).toMatch(/^\+1\d{10}$/);
      expect(isValidPhoneNumber(d.phone)).toBe(d.phone_valid);
      if (!d.phone_valid) continue;
      checked++;
      const state = STATE_BY_AREA_CODE.get(d.phone.slice(2, 5));
      expect(state).toBeDefined();
      if (state !== d.home_state) moved++;
    }
    // Moved drivers (~10%) and duplicates that kept an earlier record's phone; everyone else is local.
    expect(moved / checked).toBeGreaterThan(0.05);
    expect(moved / checked).toBeLessThan(0.2);
  });

  it('mostly gives split-zone regions their local area code (El Paso 915, panhandle 850)', () => {
    const elPaso = drivers.filter((d) => d.home_state === 'TX' && d.home_time_zone === 'America/Denver' && d.phone_valid);
    expect(elPaso.length).toBeGreaterThan(0);
    expect(elPaso.filter((d) => d.phone?.startsWith('+1915')).length / elPaso.length).toBeGreaterThan(0.5);
    const panhandle = drivers.filter((d) => d.home_state === 'FL' && d.home_time_zone === 'America/Chicago' && d.phone_valid);
    const local850 = panhandle.filter((d) => d.phone?.startsWith('+1850')).length;
    expect(local850 / Math.max(1, panhandle.length)).toBeGreaterThan(0.5);
  });

  it('keeps the population mix within bounds', () => {
    const s = createDriverSummarizer();
    for (const d of drivers) s.add(d);
    const r = s.result();
    const share = (n: number): number => n / r.total;
    expect(share(r.invalidPhone)).toBeGreaterThan(DRIVER_MIX.invalidPhone * 0.5);
    expect(share(r.invalidPhone)).toBeLessThan(DRIVER_MIX.invalidPhone * 1.6);
    expect(share(r.landline)).toBeGreaterThan(0.025);
    expect(share(r.landline)).toBeLessThan(0.08);
    expect(share(r.smsConsentGranted)).toBeGreaterThan(0.55);
    expect(share(r.smsConsentGranted)).toBeLessThan(0.75);
    expect(share(r.noSmsConsent)).toBeGreaterThan(0.15);
    expect(share(r.emailConsentGranted)).toBeGreaterThan(0.5);
    expect(share(r.emailConsentGranted)).toBeLessThan(0.75);
    expect(share(r.duplicates)).toBeGreaterThan(0.02);
    expect(share(r.duplicates)).toBeLessThan(0.08);
    expect(share(r.byCdlClass['A'] ?? 0)).toBeGreaterThan(0.75);
    expect(Object.keys(r.byStatus).sort()).toEqual(['employed', 'hired', 'inactive', 'job_seeking', 'open_to_offers']);
  });

  it('never gives SMS consent to landlines, invalid or missing numbers', () => {
    for (const d of drivers) {
      if (d.phone === null || !d.phone_valid || d.phone_line_type === 'landline') expect(d.sms_consent).toBeNull();
    }
  });

  it('records consent provenance with variety', () => {
    const sources = new Set(drivers.flatMap((d) => (d.sms_consent ? [d.sms_consent.source] : [])));
    for (const s of ['job_application_form', 'csv_import', 'web_form', 'job_board']) expect(sources).toContain(s);
    const versions = new Set(drivers.flatMap((d) => (d.sms_consent ? [d.sms_consent.text_version] : [])));
    expect(versions.size).toBeGreaterThanOrEqual(3);
    expect(drivers.some((d) => d.sms_consent?.granted === false)).toBe(true);
  });

  it('duplicates share a phone or an email with an earlier record and come from another source', () => {
    const dups = drivers.map((d, i) => ({ d, root: rootOf(i, { seed: 42, carrierDot: DOT }) })).filter((x) => x.root !== Number(x.d._id.slice(-7)));
    expect(dups.length).toBeGreaterThan(50);
    for (const { d, root } of dups) {
      const original = drivers[root];
      if (!original) throw new Error('missing original');
      if (original.phone === null && original.email === null) continue; // nothing to share: same name only
      expect(original.phone === d.phone || original.email === d.email).toBe(true);
      expect(d.first_name).toBe(original.first_name);
      expect(d.source).not.toBe(original.source);
    }
  });

  it('uses only non-deliverable example domains for email', () => {
    for (const d of drivers) if (d.email !== null) expect(d.email).toMatch(/@(example\.(com|net|org)|mail\.invalid)$/);
  });

  it('has industry-like CDL endorsements and experience', () => {
    for (const d of drivers) {
      expect(d.endorsements.includes('X') && (d.endorsements.includes('H') || d.endorsements.includes('N'))).toBe(false);
      expect(d.years_experience).toBeGreaterThanOrEqual(0);
      expect(d.years_experience).toBeLessThanOrEqual(45);
    }
    const withT = drivers.filter((d) => d.cdl_class === 'A' && d.endorsements.includes('T')).length;
    expect(withT).toBeGreaterThan(0);
    expect(drivers.some((d) => d.cdl_class !== 'A' && d.endorsements.includes('P'))).toBe(true);
  });

  it('streams 100K drivers in pages of at most 1000 without building the population first', () => {
    const huge = generateDrivers({ count: 50_000_000, seed: 42, carrierDot: DOT });
    const first = huge.next();
    expect(first.done).toBe(false);
    expect(first.value).toHaveLength(1000);
    huge.return(undefined);

    let pages = 0;
    let total = 0;
    let lastId = '';
    for (const page of generateDrivers({ count: 100_000, seed: 42, carrierDot: DOT })) {
      pages++;
      total += page.length;
      expect(page.length).toBeLessThanOrEqual(1000);
      lastId = page[page.length - 1]?._id ?? '';
    }
    expect(pages).toBe(100);
    expect(total).toBe(100_000);
    expect(lastId).toBe(`drv-${DOT}-0099999`);
  });
});

describe('area codes', () => {
  it('every jurisdiction has area codes, each valid per libphonenumber and owned by one state', () => {
    const seen = new Map<string, string>();
    for (const state of US_JURISDICTIONS) {
      const codes = AREA_CODES_BY_STATE[state];
      expect(codes.length).toBeGreaterThan(0);
      for (const code of codes) {
        expect(seen.get(code)).toBeUndefined();
        seen.set(code, state);
        expect(isValidPhoneNumber(`+1${code}5550142`)).toBe(true);
      }
    }
  });
});

describe('demo entities', () => {
  it('a carrier, three recruiters (one manager), an admin member, saved searches — all schema-valid', () => {
    expect(Carriers.schema.safeParse(demoCarrier()).success).toBe(true);
    const recruiters = demoRecruiters();
    expect(recruiters.map((r) => r.member_id)).toEqual(['member-recruiter-1', 'member-recruiter-2', 'member-recruiter-3']);
    expect(recruiters.filter((r) => r.role === 'manager')).toHaveLength(1);
    for (const r of recruiters) expect(RecruiterProfiles.schema.safeParse(r).success).toBe(true);
    for (const s of demoSavedSearches()) expect(SavedSearches.schema.safeParse(s).success).toBe(true);
    const members = demoMembers();
    expect(members).toHaveLength(4);
    expect(members.filter((m) => m.roles.includes('Admin'))).toHaveLength(1);
    for (const m of members) expect(m.roles).toContain('SiteMember');
    expect(demoCarrier().sms_price_per_segment).toBe(0.0079);
  });
});
