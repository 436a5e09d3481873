/** Running statistics over generated drivers, for the CLI summary and the tests. */
import type { DriverProfile } from '../../src/backend/collections/people';
import { STATE_BY_AREA_CODE } from './geo';

export interface DriverSummary {
  total: number;
  byState: Record<string, number>;
  byTimeZone: Record<string, number>;
  byStatus: Record<string, number>;
  byCdlClass: Record<string, number>;
  bySource: Record<string, number>;
  smsConsentGranted: number;
  smsConsentRefused: number;
  noSmsConsent: number;
  emailConsentGranted: number;
  noEmailConsent: number;
  invalidPhone: number;
  noPhone: number;
  landline: number;
  voip: number;
  /** Valid phone whose area code belongs to another state than the home address. */
  areaCodeOutOfState: number;
  /** Records sharing a phone or an email with an earlier record. */
  duplicates: number;
}

export interface DriverSummarizer {
  add(driver: DriverProfile): void;
  result(): DriverSummary;
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Keeps counters plus one set of seen phones/emails (strings only, never the items). */
export function createDriverSummarizer(): DriverSummarizer {
  const s: DriverSummary = {
    total: 0, byState: {}, byTimeZone: {}, byStatus: {}, byCdlClass: {}, bySource: {},
    smsConsentGranted: 0, smsConsentRefused: 0, noSmsConsent: 0, emailConsentGranted: 0, noEmailConsent: 0,
    invalidPhone: 0, noPhone: 0, landline: 0, voip: 0, areaCodeOutOfState: 0, duplicates: 0,
  };
  const seen = new Set<string>();
  return {
    add(d) {
      s.total++;
      bump(s.byState, d.home_state ?? 'unknown');
      bump(s.byTimeZone, d.home_time_zone ?? 'unknown');
      bump(s.byStatus, d.status);
      bump(s.byCdlClass, d.cdl_class);
      bump(s.bySource, d.source);
      if (d.sms_consent === null) s.noSmsConsent++;
      else if (d.sms_consent.granted) s.smsConsentGranted++;
      else s.smsConsentRefused++;
      if (d.email_consent?.granted === true) s.emailConsentGranted++;
      else s.noEmailConsent++;
      if (d.phone === null) s.noPhone++;
      else if (!d.phone_valid) s.invalidPhone++;
      if (d.phone_line_type === 'landline') s.landline++;
      if (d.phone_line_type === 'voip') s.voip++;
      if (d.phone !== null && d.phone_valid && STATE_BY_AREA_CODE.get(d.phone.slice(2, 5)) !== d.home_state) s.areaCodeOutOfState++;
      const keys = [d.phone === null ? null : `p:${d.phone}`, d.email === null ? null : `e:${d.email}`].filter((k): k is string => k !== null);
      if (keys.some((k) => seen.has(k))) s.duplicates++;
      for (const k of keys) seen.add(k);
    },
    result: () => s,
  };
}

function top(map: Record<string, number>, n: number): string {
  return Object.entries(map)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function pct(part: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * part) / total).toFixed(1)}%`;
}

export function formatSummary(s: DriverSummary): string {
  const t = s.total;
  return [
    `drivers: ${t} in ${Object.keys(s.byState).length} jurisdictions, ${Object.keys(s.byTimeZone).length} time zones`,
    `top states: ${top(s.byState, 10)}`,
    `time zones: ${top(s.byTimeZone, 40)}`,
    `status: ${top(s.byStatus, 10)}`,
    `CDL class: ${top(s.byCdlClass, 3)}`,
    `source: ${top(s.bySource, 10)}`,
    `SMS consent: granted ${s.smsConsentGranted} (${pct(s.smsConsentGranted, t)}), refused/revoked ${s.smsConsentRefused}, none ${s.noSmsConsent}`,
    `email consent: granted ${s.emailConsentGranted} (${pct(s.emailConsentGranted, t)}), none/refused ${s.noEmailConsent}`,
    `phones: invalid ${s.invalidPhone} (${pct(s.invalidPhone, t)}), missing ${s.noPhone}, landline ${s.landline} (${pct(s.landline, t)}), voip ${s.voip}, out-of-state area code ${s.areaCodeOutOfState} (${pct(s.areaCodeOutOfState, t)})`,
    `duplicates (same phone or email as an earlier record): ${s.duplicates} (${pct(s.duplicates, t)})`,
  ].join('\n');
}
