/**
 * Deterministic demo drivers. Driver `i` of a population is a pure function of (seed, carrierDot, i,
 * asOf): pages can be generated independently and in any order, and the same inputs always give
 * the same items.
 */
import { withReachabilityFirst } from '../../src/backend/outreach/audience/reachability';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import type { ConsentRecord } from '../../src/backend/collections/common';
import type { DriverProfile } from '../../src/backend/collections/people';
import {
  US_JURISDICTIONS,
  type CdlClass,
  type ConsentSource,
  type DriverSource,
  type DriverStatus,
  type Endorsement,
  type UsJurisdiction,
} from '../../src/backend/collections/vocabulary';
import { AREA_CODES_BY_STATE, DRIVER_WEIGHTS, REGIONAL_AREA_CODES, coveragePlaces, zipsByState, type ZipPlace } from './geo';
import { createRng, hashParts, type Rng } from './rng';

export interface DriverGenerationOptions {
  readonly count: number;
  readonly seed: number;
  readonly carrierDot: string;
  /** First driver index of this run (default 0): generate a slice of a larger population. */
  readonly startIndex?: number;
  /** Items per yielded page (default 1000, the Wix bulk limit). */
  readonly pageSize?: number;
  /** The "now" that contact history and consent dates are relative to (default `DEMO_AS_OF`). */
  readonly asOf?: Date;
}

/** Fixed reference instant so the default output never depends on the wall clock. */
export const DEMO_AS_OF = new Date('2026-01-15T15:00:00.000Z');

/** Target shares of the generated population (tests check the output against them). */
export const DRIVER_MIX = Object.freeze({
  invalidPhone: 0.03,
  noPhone: 0.01,
  landline: 0.05,
  voip: 0.03,
  movedAreaCode: 0.1,
  duplicate: 0.04,
  smsConsentGranted: 0.7,
  smsConsentRefused: 0.06,
  emailConsentGranted: 0.65,
  emailConsentRefused: 0.04,
  noEmail: 0.06,
  invalidEmail: 0.02,
});

export function driverId(carrierDot: string, index: number): string {
  return `drv-${carrierDot}-${String(index).padStart(7, '0')}`;
}

/** Yields pages of drivers `startIndex … startIndex + count - 1`; only one page is alive at a time. */
export function* generateDrivers(options: DriverGenerationOptions): Generator<DriverProfile[], void, undefined> {
  const start = options.startIndex ?? 0;
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error('count must be a non-negative integer');
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error('pageSize must be a positive integer');
  const end = start + options.count;
  for (let from = start; from < end; from += pageSize) {
    const page: DriverProfile[] = [];
    const to = Math.min(end, from + pageSize);
    for (let i = from; i < to; i++) page.push(generateDriver(i, options));
    yield page;
  }
}

/** Driver number `index` of the population described by the options. */
export function generateDriver(index: number, options: Pick<DriverGenerationOptions, 'seed' | 'carrierDot' | 'asOf'>): DriverProfile {
  const asOf = options.asOf ?? DEMO_AS_OF;
  const key: PopulationKey = { seed: options.seed, carrierDot: options.carrierDot };
  const rng = createRng(hashParts('driver', key.seed, key.carrierDot, index));
  const place = placeOf(index, key);

  // A duplicate is the same person (same phone or same email) arriving again from another source.
  const root = rootOf(index, key);
  const person = personOf(index, key, place);
  let contact = contactOf(index, key, person);
  let source = sourceOf(index, key);
  let first = person.first;
  let last = person.last;
  if (root !== index) {
    const originalPerson = personOf(root, key, placeOf(root, key));
    const original = contactOf(root, key, originalPerson);
    first = originalPerson.first;
    last = originalPerson.last;
    const byPhone = original.phone !== null && (original.email === null || rng.chance(0.6));
    if (byPhone) contact = { ...contact, phone: original.phone, phoneValid: original.phoneValid };
    else if (original.email !== null) contact = { ...contact, email: original.email, emailValid: original.emailValid };
    source = otherSource(rng, sourceOf(root, key));
  }
  const { phone, phoneValid, email, emailValid } = contact;
  const lineRoll = rng.next();
  const lineType = phone === null || !phoneValid ? 'unknown' : lineRoll < DRIVER_MIX.landline ? 'landline' : lineRoll < DRIVER_MIX.landline + DRIVER_MIX.voip ? 'voip' : 'mobile';

  const cdlClass = rng.weighted<CdlClass>([['A', 82], ['B', 14], ['C', 4]]);
  const years = yearsOfExperience(rng);
  const status = rng.weighted<DriverStatus>([['job_seeking', 30], ['open_to_offers', 30], ['employed', 25], ['hired', 5], ['inactive', 10]]);
  const smsConsent = phone !== null && phoneValid && lineType !== 'landline' ? consent(rng, 'sms', source, asOf, DRIVER_MIX.smsConsentGranted, DRIVER_MIX.smsConsentRefused) : null;
  const emailConsent = email !== null ? consent(rng, 'email', source, asOf, DRIVER_MIX.emailConsentGranted, DRIVER_MIX.emailConsentRefused) : null;
  const voiceConsent = smsConsent?.granted === true && rng.chance(0.4) ? { ...smsConsent, text_version: 'voice-2025-02' } : null;

  const driver: DriverProfile = {
    _id: driverId(options.carrierDot, index),
    carrier_dot: options.carrierDot,
    first_name: first,
    last_name: last,
    phone,
    phone_valid: phoneValid,
    phone_line_type: lineType,
    email,
    email_valid: emailValid,
    home_city: place.city,
    home_state: place.state,
    home_zip: place.zip,
    home_lat: place.lat,
    home_lng: place.lng,
    home_time_zone: place.timeZone,
    cdl_class: cdlClass,
    endorsements: endorsementsFor(rng, cdlClass),
    years_experience: years,
    status,
    sms_consent: smsConsent,
    email_consent: emailConsent,
    voice_consent: voiceConsent,
    sms_opted_out_at: null,
    email_suppressed_reason: null,
    email_suppressed_at: null,
    last_sms_at: smsConsent?.granted === true && rng.chance(0.35) ? daysBefore(asOf, rng.int(1, 120), rng) : null,
    last_email_at: emailConsent?.granted === true && rng.chance(0.45) ? daysBefore(asOf, rng.int(1, 120), rng) : null,
    last_voicemail_at: null,
    last_reply_at: null,
    tags: tagsFor(rng, cdlClass, years),
    source,
    source_detail: sourceDetail(rng, source),
    assigned_recruiter_id: rng.chance(0.5) ? `member-recruiter-${rng.int(1, 3)}` : null,
    duplicate_of: null,
  };
  // The flags the site's data hooks keep, so data seeded without hooks queries the same.
  return withReachabilityFirst(driver);
}

interface PopulationKey {
  readonly seed: number;
  readonly carrierDot: string;
}

interface Person {
  readonly first: string;
  readonly last: string;
  /** Always a valid mobile-range number; `contactOf` decides what the record really holds. */
  readonly phone: string;
  readonly email: string;
}

interface Contact {
  readonly phone: string | null;
  readonly phoneValid: boolean;
  readonly email: string | null;
  readonly emailValid: boolean;
}

/**
 * The first record of the person behind driver `index` (itself when it is not a duplicate).
 * Each facet below has its own PRNG stream so it can be recomputed for any index on its own.
 */
export function rootOf(index: number, key: PopulationKey): number {
  let current = index;
  for (;;) {
    const rng = createRng(hashParts('dup', key.seed, key.carrierDot, current));
    if (current <= 20 || !rng.chance(DRIVER_MIX.duplicate)) return current;
    current = rng.int(0, current - 1);
  }
}

function placeOf(index: number, key: PopulationKey): ZipPlace {
  const coverage = coveragePlaces();
  const covered = coverage[index];
  if (covered) return covered;
  const rng = createRng(hashParts('place', key.seed, key.carrierDot, index));
  const state = rng.weighted(STATE_WEIGHT_ENTRIES);
  return rng.pick(zipsByState().get(state) ?? []);
}

function personOf(index: number, key: PopulationKey, place: ZipPlace): Person {
  const rng = createRng(hashParts('person', key.seed, key.carrierDot, index));
  const first = rng.pick(rng.chance(0.08) ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES);
  const last = rng.pick(COMMON_SURNAMES);
  const moved = rng.chance(DRIVER_MIX.movedAreaCode);
  const phoneState: UsJurisdiction = moved ? rng.weighted(STATE_WEIGHT_ENTRIES) : place.state;
  const phone = validPhone(rng, areaCodeFor(rng, phoneState, phoneState === place.state ? place.zip : null));
  const domain = rng.weighted([['example.com', 5], ['example.net', 3], ['example.org', 2]]);
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
  return { first, last, phone, email: `${local}.${index.toString(36)}@${domain}` };
}

function contactOf(index: number, key: PopulationKey, person: Person): Contact {
  const rng = createRng(hashParts('contact', key.seed, key.carrierDot, index));
  const phoneRoll = rng.next();
  const emailRoll = rng.next();
  const phone = phoneRoll < DRIVER_MIX.noPhone ? null : phoneRoll < DRIVER_MIX.noPhone + DRIVER_MIX.invalidPhone ? invalidPhone(rng) : person.phone;
  const email = emailRoll < DRIVER_MIX.noEmail ? null : emailRoll < DRIVER_MIX.noEmail + DRIVER_MIX.invalidEmail ? person.email.replace(/@.*$/, '@mail.invalid') : person.email;
  return {
    phone,
    phoneValid: phone !== null && phone === person.phone,
    email,
    emailValid: email !== null && email === person.email,
  };
}

function sourceOf(index: number, key: PopulationKey): DriverSource {
  return driverSource(createRng(hashParts('source', key.seed, key.carrierDot, index)));
}

const STATE_WEIGHT_ENTRIES: readonly (readonly [UsJurisdiction, number])[] = US_JURISDICTIONS.map((s) => [s, DRIVER_WEIGHTS[s]] as const);

function areaCodeFor(rng: Rng, state: UsJurisdiction, homeZip: string | null): string {
  const regional = homeZip === null ? undefined : REGIONAL_AREA_CODES[homeZip.slice(0, 3)];
  if (regional && rng.chance(0.85)) return rng.pick(regional);
  return rng.pick(AREA_CODES_BY_STATE[state]);
}

const areaCodeChecked = new Set<string>();

/**
 * A number in the 555 exchange of the area code, so demo data never names a real subscriber line
 * (555-1212, directory assistance, is skipped). Validity is checked once per area code.
 */
function validPhone(rng: Rng, areaCode: string): string {
  let line = rng.int(0, 9999);
  if (line === 1212) line = 1213;
  const e164 = `+1${areaCode}555${String(line).padStart(4, '0')}`;
  if (!areaCodeChecked.has(areaCode)) {
    if (!isValidPhoneNumber(e164)) throw new Error(`area code ${areaCode} does not give valid numbers`);
    areaCodeChecked.add(areaCode);
  }
  return e164;
}

/** Deliberately invalid numbers as they arrive from forms: N11 or unassigned area codes, 0/1 exchanges. */
function invalidPhone(rng: Rng): string {
  const shapes = [
    () => `+1${rng.pick(['211', '311', '411', '911'])}555${String(rng.int(0, 9999)).padStart(4, '0')}`,
    () => `+1${rng.pick(['512', '214', '404', '602'])}0${String(rng.int(0, 999999)).padStart(6, '0')}`,
    () => `+1${rng.pick(['999', '976', '555'])}${String(rng.int(2000000, 9999999))}`,
  ] as const;
  for (let attempt = 0; attempt < 20; attempt++) {
    const n = rng.pick(shapes)();
    if (!isValidPhoneNumber(n)) return n;
  }
  return '+12115550100';
}

function driverSource(rng: Rng): DriverSource {
  return rng.weighted<DriverSource>([['job_board', 40], ['csv_import', 25], ['direct_application', 20], ['referral', 8], ['web_form', 5], ['manual', 2]]);
}

function otherSource(rng: Rng, originalSource: DriverSource): DriverSource {
  const candidates = (['job_board', 'csv_import', 'direct_application', 'referral', 'web_form'] as const).filter((s) => s !== originalSource);
  return rng.pick(candidates);
}

const CONSENT_SOURCE_BY_DRIVER_SOURCE: Readonly<Record<DriverSource, readonly ConsentSource[]>> = {
  job_board: ['job_board', 'job_application_form'],
  csv_import: ['csv_import'],
  direct_application: ['job_application_form'],
  referral: ['web_form', 'verbal_recorded'],
  web_form: ['web_form'],
  manual: ['paper_form', 'manual'],
};

function consent(rng: Rng, channel: 'sms' | 'email', source: DriverSource, asOf: Date, grantedShare: number, refusedShare: number): ConsentRecord | null {
  const roll = rng.next();
  if (roll >= grantedShare + refusedShare) return null;
  const granted = roll < grantedShare;
  const consentSource = rng.pick(CONSENT_SOURCE_BY_DRIVER_SOURCE[source]);
  const capturedAt = daysBefore(asOf, rng.int(3, 1000), rng);
  const version = rng.pick(channel === 'sms' ? ['sms-2023-09', 'sms-2024-06', 'sms-2025-04'] : ['email-2023-09', 'email-2025-01']);
  return {
    granted,
    source: consentSource,
    captured_at: capturedAt,
    text_version: version,
    source_detail: consentSource === 'csv_import' ? `drivers-${capturedAt.toISOString().slice(0, 7)}.csv` : consentSource === 'job_board' ? rng.pick(['indeed', 'ziprecruiter', 'cdljobs']) : undefined,
    revoked_at: granted ? null : rng.chance(0.5) ? daysBefore(asOf, rng.int(1, 60), rng) : null,
  };
}

function yearsOfExperience(rng: Rng): number {
  if (rng.chance(0.12)) return 0;
  // Long tail: median ~7 years, a few 30+ veterans.
  const y = Math.round(-Math.log(1 - rng.next()) * 8) + 1;
  return Math.min(y, 45);
}

function endorsementsFor(rng: Rng, cdlClass: CdlClass): Endorsement[] {
  const out: Endorsement[] = [];
  if (cdlClass === 'A') {
    const h = rng.chance(0.2);
    const n = rng.chance(0.3);
    if (h && n) out.push('X');
    else if (h) out.push('H');
    else if (n) out.push('N');
    if (rng.chance(0.35)) out.push('T');
    if (rng.chance(0.03)) out.push('P');
  } else {
    if (rng.chance(cdlClass === 'B' ? 0.4 : 0.25)) out.push('P');
    if (rng.chance(cdlClass === 'B' ? 0.3 : 0.1)) out.push('S');
    if (rng.chance(0.1)) out.push('H');
    if (cdlClass === 'B' && rng.chance(0.1)) out.push('N');
  }
  return out.sort();
}

const TAGS_A = ['otr', 'regional', 'local', 'team', 'flatbed', 'reefer', 'dry_van', 'tanker', 'intermodal', 'car_hauler'] as const;
const TAGS_ANY = ['veteran', 'night_shift', 'hot_lead', 'cold', 'spanish_speaker', 'lease_purchase_interest', 'referral_bonus'] as const;

function tagsFor(rng: Rng, cdlClass: CdlClass, years: number): string[] {
  const tags = new Set<string>();
  if (cdlClass === 'A') for (let i = rng.int(0, 2); i > 0; i--) tags.add(rng.pick(TAGS_A));
  else tags.add(rng.pick(['local', 'box_truck', 'bus', 'dump_truck']));
  if (years === 0) tags.add('new_grad');
  if (rng.chance(0.25)) tags.add(rng.pick(TAGS_ANY));
  return [...tags].sort();
}

function sourceDetail(rng: Rng, source: DriverSource): string | undefined {
  switch (source) {
    case 'job_board':
      return rng.pick(['indeed', 'ziprecruiter', 'cdljobs']);
    case 'csv_import':
      return rng.pick(['legacy-ats-export.csv', 'job-fair-2025-10.csv', 'tenstreet-export.csv']);
    case 'direct_application':
      return 'careers-site';
    case 'referral':
      return 'driver-referral';
    case 'web_form':
      return rng.pick(['landing-page-otr', 'facebook-lead-form']);
    case 'manual':
      return undefined;
    default: {
      const unreachable: never = source;
      return unreachable;
    }
  }
}

function daysBefore(asOf: Date, days: number, rng: Rng): Date {
  return new Date(asOf.getTime() - days * 86_400_000 - rng.int(0, 86_399) * 1000);
}

/** Frequent US first names; about 8% of truck drivers are women. */
const MALE_FIRST_NAMES = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Paul', 'Andrew', 'Joshua',
  'Kenneth', 'Kevin', 'Brian', 'George', 'Timothy', 'Ronald', 'Edward', 'Jason', 'Jeffrey', 'Ryan',
  'Jacob', 'Gary', 'Nicholas', 'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon',
  'Benjamin', 'Samuel', 'Gregory', 'Alexander', 'Patrick', 'Frank', 'Raymond', 'Jack', 'Dennis', 'Jerry',
  'Tyler', 'Aaron', 'Jose', 'Adam', 'Nathan', 'Henry', 'Douglas', 'Zachary', 'Peter', 'Kyle',
  'Walter', 'Ethan', 'Jeremy', 'Harold', 'Keith', 'Christian', 'Roger', 'Noah', 'Gerald', 'Carl',
  'Terry', 'Sean', 'Austin', 'Arthur', 'Lawrence', 'Jesse', 'Dylan', 'Bryan', 'Joe', 'Jordan',
  'Billy', 'Bruce', 'Albert', 'Willie', 'Gabriel', 'Logan', 'Alan', 'Juan', 'Wayne', 'Roy',
  'Ralph', 'Randy', 'Eugene', 'Vincent', 'Russell', 'Elijah', 'Louis', 'Bobby', 'Philip', 'Johnny',
  'Luis', 'Carlos', 'Miguel', 'Jorge', 'Darnell', 'Andre', 'Marcus', 'Curtis', 'Travis', 'Dustin',
] as const;

const FEMALE_FIRST_NAMES = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Sandra', 'Margaret', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Sharon', 'Laura', 'Cynthia', 'Amy',
  'Angela', 'Tammy', 'Brenda', 'Tiffany', 'Crystal', 'Maria', 'Rosa', 'Keisha', 'Tonya', 'Dana',
] as const;

/** Frequent US surnames (Census-style list) so demo names read like a real roster. */
const COMMON_SURNAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
] as const;
