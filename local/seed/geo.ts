/**
 * Geography for demo drivers: where truck drivers live (weights per jurisdiction), real ZIPs with
 * coordinates (`zipcodes`), each ZIP's IANA zone from its coordinates (`@photostructure/tz-lookup`),
 * and the NANP area codes in service in each state.
 */
import { US_IANA_ZONES } from '../../src/backend/outreach/timeZones';
import tzLookup from '@photostructure/tz-lookup';
import zipcodes from 'zipcodes';
import { US_JURISDICTIONS, type UsJurisdiction } from '../../src/backend/collections/vocabulary';

/**
 * Relative number of heavy-truck drivers living in each jurisdiction (rounded thousands, in the
 * shape of the BLS occupational employment figures): big freight states dominate, every
 * jurisdiction is present.
 */
export const DRIVER_WEIGHTS: Readonly<Record<UsJurisdiction, number>> = {
  AL: 40, AK: 4, AZ: 40, AR: 35, CA: 150, CO: 30, CT: 12, DE: 5, DC: 1, FL: 110, GA: 75, HI: 4, ID: 12,
  IL: 80, IN: 60, IA: 35, KS: 25, KY: 40, LA: 30, ME: 9, MD: 25, MA: 20, MI: 50, MN: 35, MS: 25, MO: 45,
  MT: 10, NE: 25, NV: 15, NH: 7, NJ: 45, NM: 12, NY: 60, NC: 65, ND: 10, OH: 80, OK: 30, OR: 25, PA: 85,
  RI: 3, SC: 35, SD: 9, TN: 55, TX: 200, UT: 25, VT: 4, VA: 45, WA: 40, WV: 12, WI: 45, WY: 7,
};

/** Geographic NANP area codes in service per state (a representative, accurate subset for big states). */
export const AREA_CODES_BY_STATE: Readonly<Record<UsJurisdiction, readonly string[]>> = {
  AL: ['205', '251', '256', '334', '938'],
  AK: ['907'],
  AZ: ['480', '520', '602', '623', '928'],
  AR: ['479', '501', '870'],
  CA: ['209', '213', '310', '323', '408', '415', '510', '530', '559', '562', '619', '626', '650', '661', '707', '714', '760', '805', '818', '831', '858', '909', '916', '925', '949', '951'],
  CO: ['303', '719', '720', '970'],
  CT: ['203', '475', '860', '959'],
  DE: ['302'],
  DC: ['202'],
  FL: ['239', '305', '321', '352', '386', '407', '561', '727', '754', '772', '786', '813', '850', '863', '904', '941', '954'],
  GA: ['229', '404', '470', '478', '678', '706', '762', '770', '912'],
  HI: ['808'],
  ID: ['208', '986'],
  IL: ['217', '224', '309', '312', '618', '630', '708', '773', '815', '847', '872'],
  IN: ['219', '260', '317', '463', '574', '765', '812', '930'],
  IA: ['319', '515', '563', '641', '712'],
  KS: ['316', '620', '785', '913'],
  KY: ['270', '364', '502', '606', '859'],
  LA: ['225', '318', '337', '504', '985'],
  ME: ['207'],
  MD: ['240', '301', '410', '443', '667'],
  MA: ['339', '351', '413', '508', '617', '774', '781', '857', '978'],
  MI: ['231', '248', '269', '313', '517', '586', '616', '734', '810', '906', '947', '989'],
  MN: ['218', '320', '507', '612', '651', '763', '952'],
  MS: ['228', '601', '662', '769'],
  MO: ['314', '417', '573', '636', '660', '816'],
  MT: ['406'],
  NE: ['308', '402', '531'],
  NV: ['702', '725', '775'],
  NH: ['603'],
  NJ: ['201', '551', '609', '732', '848', '856', '862', '908', '973'],
  NM: ['505', '575'],
  NY: ['212', '315', '347', '516', '518', '585', '607', '631', '646', '716', '718', '845', '914', '917', '929'],
  NC: ['252', '336', '704', '743', '828', '910', '919', '980', '984'],
  ND: ['701'],
  OH: ['216', '220', '234', '330', '380', '419', '440', '513', '567', '614', '740', '937'],
  OK: ['405', '539', '580', '918'],
  OR: ['458', '503', '541', '971'],
  PA: ['215', '267', '272', '412', '484', '570', '610', '717', '724', '814', '878'],
  RI: ['401'],
  SC: ['803', '843', '854', '864'],
  SD: ['605'],
  TN: ['423', '615', '629', '731', '865', '901', '931'],
  TX: ['210', '214', '254', '281', '325', '346', '361', '409', '430', '432', '469', '512', '682', '713', '737', '806', '817', '830', '832', '903', '915', '936', '940', '956', '972', '979'],
  UT: ['385', '435', '801'],
  VT: ['802'],
  VA: ['276', '434', '540', '571', '703', '757', '804'],
  WA: ['206', '253', '360', '425', '509', '564'],
  WV: ['304', '681'],
  WI: ['262', '414', '534', '608', '715', '920'],
  WY: ['307'],
};

/**
 * Area codes that serve a ZIP region (by 3-digit ZIP prefix), used so drivers in split-zone regions
 * mostly get the local area code: El Paso (915, Mountain), the Florida panhandle (850), west
 * Tennessee (901/731), west Kentucky (270), NW and SW Indiana (219/812), Michigan's Upper Peninsula
 * (906), western Nebraska (308), eastern Oregon (541), north Idaho (208).
 */
export const REGIONAL_AREA_CODES: Readonly<Record<string, readonly string[]>> = {
  '798': ['915'], '799': ['915'], '885': ['915'],
  '323': ['850'], '324': ['850'], '325': ['850'],
  '380': ['901'], '381': ['901'], '382': ['731'], '383': ['731'], '384': ['931', '731'], '385': ['931'],
  '420': ['270'], '421': ['270'], '422': ['270'], '423': ['270'], '424': ['270'], '427': ['270'],
  '463': ['219'], '464': ['219'], '476': ['812'], '477': ['812'],
  '498': ['906'], '499': ['906'],
  '690': ['308'], '691': ['308'], '692': ['308'], '693': ['308'],
  '978': ['541'], '979': ['541'],
  '832': ['208'], '833': ['208'], '835': ['208'], '838': ['208'],
};

/** Area code → state, derived from `AREA_CODES_BY_STATE`. */
export const STATE_BY_AREA_CODE: ReadonlyMap<string, UsJurisdiction> = new Map(
  US_JURISDICTIONS.flatMap((state) => AREA_CODES_BY_STATE[state].map((code) => [code, state] as const)),
);

export interface ZipPlace {
  readonly zip: string;
  readonly city: string;
  readonly state: UsJurisdiction;
  readonly lat: number;
  readonly lng: number;
  readonly timeZone: string;
}

const JURISDICTION_SET: ReadonlySet<string> = new Set(US_JURISDICTIONS);

function isJurisdiction(value: string): value is UsJurisdiction {
  return JURISDICTION_SET.has(value);
}

/** IANA zones in use in the 50 states and DC. */
export const US_TIME_ZONES: ReadonlySet<string> = new Set(US_IANA_ZONES);

let zipIndex: ReadonlyMap<UsJurisdiction, readonly ZipPlace[]> | null = null;

/** Every usable ZIP per jurisdiction, sorted by ZIP (built once, ~40K entries). */
export function zipsByState(): ReadonlyMap<UsJurisdiction, readonly ZipPlace[]> {
  if (zipIndex) return zipIndex;
  const byState = new Map<UsJurisdiction, ZipPlace[]>();
  const all = Object.values(zipcodes.codes).sort((a, b) => (a.zip < b.zip ? -1 : a.zip > b.zip ? 1 : 0));
  for (const z of all) {
    if (z.country !== 'US' || !isJurisdiction(z.state) || !/^\d{5}$/.test(z.zip) || z.city.trim() === '') continue;
    if (!Number.isFinite(z.latitude) || !Number.isFinite(z.longitude) || (z.latitude === 0 && z.longitude === 0)) continue;
    let timeZone: string;
    try {
      timeZone = tzLookup(z.latitude, z.longitude);
    } catch {
      continue;
    }
    const list = byState.get(z.state) ?? [];
    list.push({ zip: z.zip, city: titleCase(z.city), state: z.state, lat: z.latitude, lng: z.longitude, timeZone });
    byState.set(z.state, list);
  }
  for (const state of US_JURISDICTIONS) {
    const list = byState.get(state);
    if (!list?.length) throw new Error(`no usable ZIP codes for ${state}`);
    byState.set(state, withUsZones(list));
  }
  zipIndex = byState;
  return byState;
}

/**
 * One ZIP per (jurisdiction, time zone) pair, in a fixed order: the first drivers of every
 * generated population live there, so even a small demo covers every state and every zone of a
 * split-zone state (FL panhandle, El Paso, west TN/KY, IN, MI UP, ND/SD/NE/KS, OR, ID, AZ, HI, AK).
 */
let coverage: readonly ZipPlace[] | null = null;

export function coveragePlaces(): readonly ZipPlace[] {
  if (coverage) return coverage;
  const out: ZipPlace[] = [];
  for (const state of US_JURISDICTIONS) {
    const seen = new Set<string>();
    for (const place of zipsByState().get(state) ?? []) {
      if (seen.has(place.timeZone)) continue;
      seen.add(place.timeZone);
      out.push(place);
    }
  }
  coverage = out;
  return out;
}

/**
 * The zone polygons are coarse along the borders, so a few border ZIPs land in a Canadian or
 * Mexican zone: give those the zone of the nearest ZIP of the same state that has a US zone.
 */
function withUsZones(list: readonly ZipPlace[]): ZipPlace[] {
  const good = list.filter((p) => US_TIME_ZONES.has(p.timeZone));
  return list.map((p) => {
    if (US_TIME_ZONES.has(p.timeZone)) return p;
    let best: ZipPlace | undefined;
    let bestD = Infinity;
    for (const q of good) {
      const d = (q.lat - p.lat) ** 2 + ((q.lng - p.lng) * Math.cos((p.lat * Math.PI) / 180)) ** 2;
      if (d < bestD) {
        bestD = d;
        best = q;
      }
    }
    if (!best) throw new Error(`no US time zone near ZIP ${p.zip}`);
    return { ...p, timeZone: best.timeZone };
  });
}

function titleCase(s: string): string {
  return s
    .toLowerCase()
    .split(' ')
    .map((w) => (w.length > 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(' ');
}
