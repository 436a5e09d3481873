/**
 * Phone numbers: E.164 normalisation and validity (libphonenumber-js metadata), NANP area codes,
 * and the candidate time zones of a number — synchronous, from tables generated out of
 * libphonenumber's prefix maps (scripts/gen-phone-zones.ts), so batches need no I/O.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PhoneLineType, UsJurisdiction } from '../collections/vocabulary';
import { US_AREA_CODES, type UsAreaCodeEntry } from './data/usAreaCodes';

function countryOrUs(defaultCountry: string): CountryCode {
  const upper = defaultCountry.toUpperCase();
  return isSupportedCountry(upper) ? upper : 'US';
}

/**
 * E.164 (`+15125550123`) for a valid number, else `null`. National formats are read in
 * `defaultCountry` (ISO 3166 alpha-2, `US` when unknown); `+`-prefixed input keeps its own country.
 */
export function toE164(input: string, defaultCountry = 'US'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), countryOrUs(defaultCountry));
  return parsed && parsed.isValid() ? parsed.number : null;
}

/** Whether the input is a valid (dialable per the numbering plan) phone number. */
export function isValidPhone(input: string, defaultCountry = 'US'): boolean {
  return toE164(input, defaultCountry) !== null;
}

/**
 * What the numbering plan alone says about the line. In the NANP mobile and fixed numbers share
 * ranges, so US numbers are almost always `unknown`; a carrier lookup is needed for the truth.
 */
export function phoneLineTypeHint(e164: string): PhoneLineType {
  const type = parsePhoneNumberFromString(e164)?.getType();
  switch (type) {
    case 'MOBILE':
      return 'mobile';
    case 'FIXED_LINE':
      return 'landline';
    case 'VOIP':
      return 'voip';
    default:
      return 'unknown';
  }
}

const NANP_E164 = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

/** The NANP area code (`512`) of a `+1` E.164 number, else `null`. */
export function areaCodeOf(e164: string): string | null {
  return NANP_E164.exec(e164)?.[1] ?? null;
}

const AREA_CODES: Readonly<Record<string, UsAreaCodeEntry | undefined>> = US_AREA_CODES;

/** The generated entry (state, zones) of a US area code, or `undefined` (not US, not geographic, unknown). */
export function usAreaCode(areaCode: string): UsAreaCodeEntry | undefined {
  return AREA_CODES[areaCode];
}

/** The US state libphonenumber geocodes the number's area code to, or `null`. */
export function stateForPhone(e164: string): UsJurisdiction | null {
  const areaCode = areaCodeOf(e164);
  return (areaCode && AREA_CODES[areaCode]?.state) || null;
}

/**
 * Candidate IANA zones of a phone number from its area code (libphonenumber's zones for every prefix
 * under it ∪ the zones of the places its exchanges serve). Empty when unknown (non-US, toll-free,
 * unassigned): callers must then assume every US zone.
 */
export function timeZonesForPhone(e164: string): string[] {
  const areaCode = areaCodeOf(e164);
  const entry = areaCode ? AREA_CODES[areaCode] : undefined;
  return entry ? [...entry.zones] : [];
}
