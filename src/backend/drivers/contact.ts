/** Normalisation of driver contact fields: phones to E.164, emails trimmed and lower-cased. */
import { toE164 } from '../outreach/phones';

/** E.164 for a valid number (national formats read as US unless told otherwise), else `null`. */
export { toE164 };

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
