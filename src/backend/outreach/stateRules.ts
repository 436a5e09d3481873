/**
 * Contact-hour rules as data: the federal TCPA window and the state mini-TCPA windows, each with
 * its source (see ../shared/reference/market-and-compliance.md §3.1, §3.2, §3.10 and
 * docs/compliance-windows.md). Hours are recipient-local unless `zone` fixes the clock.
 */
import type { UsJurisdiction } from '../collections/vocabulary';

export interface HoursRule {
  /** Stable rule id prefix: `federal`, `state:FL`. Hours violations add `:hours`, day violations `:sunday`. */
  readonly id: string;
  /** Who the rule belongs to, for reasons shown to recruiters ("Florida", "federal TCPA"). */
  readonly label: string;
  /** Window start, hour 0–24 (inclusive). */
  readonly startHour: number;
  /** Window end, hour 0–24 (exclusive: 20 means contact must happen before 8:00 pm). */
  readonly endHour: number;
  /** Weekdays on which contact is allowed, 0 = Sunday (as `Date.getDay()`). */
  readonly days: readonly number[];
  /** A fixed clock for the rule (Mississippi: Central time) instead of the recipient's zone. */
  readonly zone?: string;
  readonly source: string;
}

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6] as const;
const NOT_SUNDAY = [1, 2, 3, 4, 5, 6] as const;

/** 47 CFR 64.1200(c)(1): 8 am–9 pm at the called party's location; texts are calls. */
export const FEDERAL_HOURS: HoursRule = {
  id: 'federal',
  label: 'federal TCPA',
  startHour: 8,
  endHour: 21,
  days: EVERY_DAY,
  source: '47 CFR 64.1200(c)(1) [ref S40, S41]',
};

function stateRule(
  state: UsJurisdiction,
  label: string,
  startHour: number,
  endHour: number,
  source: string,
  extra: { days?: readonly number[]; zone?: string } = {},
): HoursRule {
  return { id: `state:${state}`, label, startHour, endHour, days: extra.days ?? EVERY_DAY, source, ...(extra.zone ? { zone: extra.zone } : {}) };
}

/** Enforced state windows (reference §3.2). States not listed here follow the federal window only. */
export const STATE_HOURS_RULES: Readonly<Partial<Record<UsJurisdiction, HoursRule>>> = {
  FL: stateRule('FL', 'Florida', 8, 20, 'Florida Telephone Solicitation Act, Fla. Stat. 501.616 [ref S42]'),
  OK: stateRule('OK', 'Oklahoma', 8, 20, 'Oklahoma Telephone Solicitation Act, Okla. Stat. tit. 15 §775C.4 [ref S42]'),
  MD: stateRule('MD', 'Maryland', 8, 20, 'Maryland Stop the Spam Calls Act (eff. 2024-01-01) [ref S43]'),
  WA: stateRule('WA', 'Washington', 8, 20, 'RCW 19.158.040(2) [ref S44]'),
  MA: stateRule('MA', 'Massachusetts', 8, 20, 'state compliance table [ref S45]'),
  CT: stateRule('CT', 'Connecticut', 9, 20, 'state compliance table [ref S45]'),
  NV: stateRule('NV', 'Nevada', 9, 20, 'state compliance table [ref S45]'),
  MI: stateRule('MI', 'Michigan', 9, 21, 'state compliance table [ref S45]'),
  MN: stateRule('MN', 'Minnesota', 9, 21, 'state compliance table [ref S45]'),
  NM: stateRule('NM', 'New Mexico', 9, 21, 'state compliance table [ref S45]'),
  KY: stateRule('KY', 'Kentucky', 10, 21, 'state compliance table [ref S45]'),
  IL: stateRule('IL', 'Illinois', 8, 21, 'state compliance table [ref S45]'),
  AL: stateRule('AL', 'Alabama', 8, 20, 'state compliance table: 8 am–8 pm Mon–Sat, no Sundays/holidays [ref S45]', { days: NOT_SUNDAY }),
  LA: stateRule('LA', 'Louisiana', 8, 20, 'state compliance table: 8 am–8 pm Mon–Sat, no Sundays/holidays [ref S45]', { days: NOT_SUNDAY }),
  MS: stateRule('MS', 'Mississippi', 8, 20, 'state compliance table: 8 am–8 pm Central, no Sundays [ref S45]', { days: NOT_SUNDAY, zone: 'America/Chicago' }),
};

/** Rules the reference could not verify: documented, NOT enforced. */
export const UNVERIFIED_STATE_RULES: Readonly<Partial<Record<UsJurisdiction, string>>> = {
  RI: '9 am–6 pm weekdays with Saturday/Sunday/holiday limits; the source table is truncated [ref S45] — verify before enforcing',
  TX: 'Sunday restrictions reportedly exist — check the statute',
  PA: 'Sunday restrictions reportedly exist — check the statute',
};

/** Known gap: AL and LA also bar contact on (state) holidays; holidays are not modelled yet. */
export const STATES_WITH_HOLIDAY_LIMITS: readonly UsJurisdiction[] = ['AL', 'LA'];
