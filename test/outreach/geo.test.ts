import { mulberry32 } from '../../local/prng';
import { UnknownPlaceError, boundingBox, haversineMiles, isWithinMiles, resolvePlace, resolveZip } from '../../src/backend/outreach/geo';

const rng = mulberry32;

/** The point `miles` away from `from` on initial bearing `bearingDeg` (spherical destination formula). */
function destination(from: { lat: number; lng: number }, miles: number, bearingDeg: number): { lat: number; lng: number } {
  const R = 3958.7613;
  const d = miles / R;
  const b = (bearingDeg * Math.PI) / 180;
  const lat1 = (from.lat * Math.PI) / 180;
  const lng1 = (from.lng * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 = lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: (lat2 * 180) / Math.PI, lng: ((((lng2 * 180) / Math.PI + 540) % 360) - 180) };
}

describe('haversineMiles', () => {
  test('known distances', () => {
    // One degree of latitude on the mean sphere: 2πR/360 ≈ 69.09 miles.
    expect(haversineMiles({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(69.09, 1);
    // Rosetta Code "Haversine formula" vector: Nashville BNA → LAX = 2887.2599506 km on a 6372.8 km sphere.
    const bna = { lat: 36.12, lng: -86.67 };
    const lax = { lat: 33.94, lng: -118.4 };
    const km = haversineMiles(bna, lax) * 1.609344 * (6372.8 / 6371.0088);
    expect(km).toBeCloseTo(2887.2599506, 3);
    expect(haversineMiles(lax, bna)).toBeCloseTo(haversineMiles(bna, lax), 9);
    expect(haversineMiles(lax, lax)).toBe(0);
  });

  test('isWithinMiles includes the boundary', () => {
    const a = { lat: 30, lng: -90 };
    const b = destination(a, 100, 45);
    expect(isWithinMiles(a, haversineMiles(a, b), b)).toBe(true);
    expect(isWithinMiles(a, haversineMiles(a, b) - 1e-6, b)).toBe(false);
  });
});

describe('boundingBox', () => {
  test('contains every point within the radius (random centres, radii and bearings)', () => {
    const r = rng(42);
    for (let i = 0; i < 2000; i += 1) {
      const center = { lat: -70 + r() * 140, lng: -179 + r() * 358 };
      const miles = 1 + r() * 1500;
      const point = destination(center, miles * r(), r() * 360);
      const box = boundingBox(center, miles);
      expect(point.lat).toBeGreaterThanOrEqual(box.lat.min);
      expect(point.lat).toBeLessThan(box.lat.max);
      if (box.lng) {
        expect(point.lng).toBeGreaterThanOrEqual(box.lng.min);
        expect(point.lng).toBeLessThan(box.lng.max);
      }
    }
  });

  test('is tight: the box edges are about the radius away', () => {
    const center = { lat: 32.78, lng: -96.8 };
    const box = boundingBox(center, 200);
    expect(haversineMiles(center, { lat: box.lat.max, lng: center.lng })).toBeCloseTo(200, 0);
    expect(box.lng).not.toBeNull();
    expect(box.lng && box.lng.max - center.lng).toBeGreaterThan(box.lat.max - center.lat);
  });

  test('leaves longitude open across the antimeridian and at the poles', () => {
    expect(boundingBox({ lat: 52, lng: 179.5 }, 100).lng).toBeNull();
    expect(boundingBox({ lat: 89.5, lng: 0 }, 100).lng).toBeNull();
  });
});

describe('place resolution (offline dataset)', () => {
  test('a ZIP code resolves to its centroid', async () => {
    const p = await resolveZip('75201');
    expect(haversineMiles(p, { lat: 32.7876, lng: -96.7994 })).toBeLessThan(5);
    expect(p.label).toBe('75201');
  });

  test('"City, ST" resolves case- and space-insensitively', async () => {
    const a = await resolvePlace('Dallas, TX');
    const b = await resolvePlace('  dallas ,tx ');
    expect(b).toEqual(a);
    expect(a.label).toBe('Dallas, TX');
    expect(haversineMiles(a, { lat: 32.7767, lng: -96.797 })).toBeLessThan(15);
    expect(haversineMiles(await resolvePlace('Springfield, IL'), await resolvePlace('Springfield, MO'))).toBeGreaterThan(200);
  });

  test('unknown places are errors that name the place', async () => {
    await expect(resolvePlace('Atlantis, TX')).rejects.toThrow(new UnknownPlaceError('Atlantis, TX', 'no city named "Atlantis" in TX'));
    await expect(resolvePlace('Dallas Texas')).rejects.toThrow(/Unknown place "Dallas Texas": expected "City, ST"/);
    await expect(resolveZip('99999')).rejects.toThrow(/Unknown place "99999"/);
    await expect(resolveZip('7520')).rejects.toThrow(UnknownPlaceError);
  });
});
