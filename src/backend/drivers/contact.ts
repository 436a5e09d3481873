/** Normalisation of driver contact fields: phones to E.164, emails trimmed and lower-cased. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 for a US/Canada or international number, or `null` when it is not a valid number. */
export function toE164(input: string, defaultCountry: 'US' | 'CA' = 'US'): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  return parsed && parsed.isValid() ? parsed.number : null;
}

export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}

/**
 * Returns the item with `phone` in E.164 when it parses (and `phone_valid` false when it does not)
 * and `email` normalised. Other fields are untouched; a missing phone or email stays missing.
 */
export function normalizeDriverContact<T extends Record<string, unknown>>(item: T): T {
  const out: Record<string, unknown> = { ...item };
  const phone = item['phone'];
  if (typeof phone === 'string' && phone.trim() !== '') {
    const e164 = toE164(phone);
    if (e164) out['phone'] = e164;
    else out['phone_valid'] = false;
  }
  const email = item['email'];
  if (typeof email === 'string') out['email'] = normalizeEmail(email);
  return out as T;
}
