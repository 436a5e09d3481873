/**
 * Distances and places for "within N miles of" audience filters: great-circle (haversine) distance,
 * a bounding box that contains every point within a radius (for an indexed range query), and
 * offline resolution of a ZIP code or a "City, ST" place to coordinates (the `zipcodes` dataset,
 * loaded on first use so code paths without a radius never pay for its ~5 MB table).
 */

export interface GeoPoint {
  readonly lat: number;
  readonly lng: number;
}

/** Mean Earth radius in statute miles (IUGG mean radius 6371.0088 km). */
export const EARTH_RADIUS_MILES = 3958.7613;

const toRadians = (deg: number): number => (deg * Math.PI) / 180;
const toDegrees = (rad: number): number => (rad * 180) / Math.PI;

/** Great-circle distance in miles between two points (haversine formula). */
export function haversineMiles(a: GeoPoint, b: GeoPoint): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Inclusive ranges in degrees; `lng` is `null` when the box spans every longitude (pole or antimeridian). */
export interface BoundingBox {
  readonly lat: { readonly min: number; readonly max: number };
  readonly lng: { readonly min: number; readonly max: number } | null;
}

/** Slack added on each side so rounding never drops a point that is exactly on the radius. */
const BOX_SLACK_DEGREES = 1e-6;

/**
 * The smallest latitude/longitude box containing every point within `miles` of `center`
 * (J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude Using Bounding
 * Coordinates"). When the circle reaches a pole or crosses the antimeridian, longitude is left
 * unconstrained rather than split into two ranges: the exact distance check removes the rest.
 */
export function boundingBox(center: GeoPoint, miles: number): BoundingBox {
  const angular = miles / EARTH_RADIUS_MILES;
  const latRad = toRadians(center.lat);
  const minLat = latRad - angular;
  const maxLat = latRad + angular;
  const lat = { min: Math.max(-90, toDegrees(minLat) - BOX_SLACK_DEGREES), max: Math.min(90, toDegrees(maxLat) + BOX_SLACK_DEGREES) };
  if (minLat <= -Math.PI / 2 || maxLat >= Math.PI / 2 || angular >= Math.PI / 2) return { lat, lng: null };
  const dLng = toDegrees(Math.asin(Math.min(1, Math.sin(angular) / Math.cos(latRad))));
  const minLng = center.lng - dLng - BOX_SLACK_DEGREES;
  const maxLng = center.lng + dLng + BOX_SLACK_DEGREES;
  if (minLng < -180 || maxLng > 180) return { lat, lng: null };
  return { lat, lng: { min: minLng, max: maxLng } };
}

export function isWithinMiles(center: GeoPoint, miles: number, point: GeoPoint): boolean {
  return haversineMiles(center, point) <= miles;
}

/** A place the dataset does not know, or a place string that is not "City, ST". */
export class UnknownPlaceError extends Error {
  constructor(readonly place: string, detail: string) {
    super(`Unknown place "${place}": ${detail}`);
    this.name = 'UnknownPlaceError';
  }
}

export interface ResolvedPlace extends GeoPoint {
  /** What was resolved, normalised: `75201` or `Dallas, TX`. */
  readonly label: string;
}

type ZipcodesModule = typeof import('zipcodes');
let zipcodesModule: Promise<ZipcodesModule> | null = null;

function loadZipcodes(): Promise<ZipcodesModule> {
  zipcodesModule ??= import('zipcodes');
  return zipcodesModule;
}

/** Coordinates of a 5-digit US ZIP code (its centroid in the dataset). */
export async function resolveZip(zip: string): Promise<ResolvedPlace> {
  if (!/^\d{5}$/.test(zip)) throw new UnknownPlaceError(zip, 'expected a 5-digit ZIP code');
  const found = (await loadZipcodes()).lookup(zip);
  if (!found || found.country !== 'US') throw new UnknownPlaceError(zip, 'no such US ZIP code');
  return { lat: found.latitude, lng: found.longitude, label: zip };
}

const CITY_STATE = /^\s*([^,]*?[^\s,])\s*,\s*([A-Za-z]{2})\s*$/;

/**
 * Coordinates of a "City, ST" place: the mean of the centroids of the city's ZIP codes in that
 * state (case-insensitive city name, USPS state code). A bare ZIP is accepted too.
 */
export async function resolvePlace(place: string): Promise<ResolvedPlace> {
  const trimmed = place.trim();
  if (/^\d{5}$/.test(trimmed)) return resolveZip(trimmed);
  const match = CITY_STATE.exec(trimmed);
  if (!match) throw new UnknownPlaceError(place, 'expected "City, ST" (e.g. "Dallas, TX") or a 5-digit ZIP code');
  const city = (match[1] ?? '').replace(/\s+/g, ' ');
  const state = (match[2] ?? '').toUpperCase();
  const zips = (await loadZipcodes()).lookupByName(city, state).filter((z) => z.country === 'US');
  if (zips.length === 0) throw new UnknownPlaceError(place, `no city named "${city}" in ${state}`);
  const lat = zips.reduce((sum, z) => sum + z.latitude, 0) / zips.length;
  const lng = zips.reduce((sum, z) => sum + z.longitude, 0) / zips.length;
  const first = zips[0];
  const name = first ? first.city : city;
  return { lat, lng, label: `${name}, ${state}` };
}
