/**
 * Which channels can reach a driver at all (before consent and compliance): stored on each
 * DriverProfiles item as numeric flags (1 = reachable) by the data hooks, so an audience estimate
 * counts every channel in ONE aggregate request (a sum per flag) and streams by one equality.
 * Numbers rather than booleans so Wix's aggregate can sum them.
 */
import type { DriverCondition } from './conditions';

export const REACHABILITY_FIELDS = {
  sms: 'sms_reachable',
  email: 'email_reachable',
  voicemail: 'voicemail_reachable',
} as const;

export type Reachability = { readonly [K in (typeof REACHABILITY_FIELDS)[keyof typeof REACHABILITY_FIELDS]]: 0 | 1 };

const present = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const empty = (v: unknown): boolean => v === undefined || v === null || v === '';
const flag = (ok: boolean): 0 | 1 => (ok ? 1 : 0);

/**
 * SMS: a valid phone that is not a landline and has not opted out. Email: a valid address that is
 * not suppressed. Voicemail: a valid phone. Takes a loose record: hooks see items as stored.
 */
export function reachabilityOf(driver: Readonly<Record<string, unknown>>): Reachability {
  const phoneOk = present(driver['phone']) && driver['phone_valid'] === true;
  return {
    sms_reachable: flag(phoneOk && driver['phone_line_type'] !== 'landline' && empty(driver['sms_opted_out_at'])),
    email_reachable: flag(present(driver['email']) && driver['email_valid'] === true && empty(driver['email_suppressed_reason'])),
    voicemail_reachable: flag(phoneOk),
  };
}

/** The driver with freshly derived flags as its leading keys (stale stored flags are replaced). */
export function withReachabilityFirst<T extends Readonly<Record<string, unknown>>>(driver: T): T & Reachability {
  const rest: Record<string, unknown> = { ...driver };
  for (const field of Object.values(REACHABILITY_FIELDS)) delete rest[field];
  return { ...reachabilityOf(driver), ...rest } as T & Reachability;
}

/** The query condition selecting drivers a channel can reach. */
export function reachableCondition(channel: keyof typeof REACHABILITY_FIELDS): DriverCondition {
  return { op: 'eq', field: REACHABILITY_FIELDS[channel], value: 1 };
}
