/**
 * Contact windows in recipient-local time (federal, state, campaign), evaluated in the intersection
 * of every candidate time zone of the recipient: contact is allowed at an instant only when every
 * applicable rule allows it in every zone the recipient may be in.
 *
 * - sms / voicemail / call: federal 08:00–21:00, the state rules of every candidate state (in every
 *   candidate zone; Mississippi on Central time), and the campaign `send_window` (narrows only).
 * - email: no TCPA hours; only the campaign `send_window`, when there is one.
 * - Unknown location (no zones, no states): federal in every US zone, each state's rule in that
 *   state's own zones, the campaign window in every US zone.
 *
 * Rules are compiled once per (location, send window, channel kind) into one merged window per
 * zone; a check is then a few table lookups, and repeated checks inside a known open interval
 * return at once.
 */
import type { SendWindow } from '../collections/common';
import { US_JURISDICTIONS, type ContactChannel, type UsJurisdiction } from '../collections/vocabulary';
import { US_STATE_ZONES } from './data/usStateZones';
import { FEDERAL_HOURS, STATE_HOURS_RULES, type HoursRule } from './stateRules';
import {
  DAY_MS, HOUR_MS, US_IANA_ZONES, formatHour, formatWallClockTime, weekdayName, weekdayOfWallClock, zoneClock, type ZoneClock,
} from './timeZones';

/** Where a recipient may be: candidate IANA zones and US states (home state, phone's area-code state). */
export interface RecipientLocation {
  /** Candidate IANA zones; empty when nothing is known (then every US zone is assumed). */
  readonly zones: readonly string[];
  /** Candidate states whose rules apply (strictest wins); empty when unknown (then every state's rules). */
  readonly states: readonly UsJurisdiction[];
}

export type WindowCheck =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The next instant at which every applicable rule allows contact. */
      readonly nextAllowedAt: Date;
      /** Machine-readable rule id that closed the window, e.g. `state:FL:hours`, `federal:hours`, `campaign:send_window`, `state:MS:sunday`. */
      readonly rule: string;
      /** Human-readable reason for the recruiter, e.g. "8:30 pm in Florida is after the 8 pm state limit". */
      readonly reason: string;
    };

export interface WindowCheckInput {
  readonly now: Date;
  readonly channel: ContactChannel;
  readonly location: RecipientLocation;
  /** The campaign's window; narrows the legal window, never widens it. */
  readonly sendWindow?: SendWindow | null;
}

/** How far ahead a common window is searched for before giving up. */
export const MAX_SEARCH_DAYS = 14;

/** The rules can never all be open at once (e.g. a send window outside the legal hours, or no days). */
export class NoContactWindowError extends Error {
  constructor(
    message: string,
    readonly rules: readonly string[],
  ) {
    super(message);
    this.name = 'NoContactWindowError';
  }
}

type PartKind = 'state' | 'federal' | 'campaign';

/** One rule as it applies in one zone. */
interface Part {
  readonly kind: PartKind;
  readonly id: string;
  readonly label: string;
  readonly startHour: number;
  readonly endHour: number;
  readonly dayMask: number;
}

/** All parts that apply in one zone, merged: open when every part is. */
interface Constraint {
  readonly clock: ZoneClock;
  readonly startMs: number;
  readonly endMs: number;
  readonly dayMask: number;
  readonly parts: readonly Part[];
}

interface Plan {
  readonly constraints: readonly Constraint[];
  readonly zones: readonly string[];
  /** Last interval `[openFrom, openUntil)` known to be open for every constraint (a memo of a pure result). */
  openFrom: number;
  openUntil: number;
}

const ALL_DAYS_MASK = 0b1111111;
const KIND_PRIORITY: Readonly<Record<PartKind, number>> = { state: 0, federal: 1, campaign: 2 };

function maskOf(days: readonly number[]): number {
  let mask = 0;
  for (const day of days) if (Number.isInteger(day) && day >= 0 && day <= 6) mask |= 1 << day;
  return mask;
}

function partOfRule(rule: HoursRule): Part {
  return { kind: rule.id === 'federal' ? 'federal' : 'state', id: rule.id, label: rule.label, startHour: rule.startHour, endHour: rule.endHour, dayMask: maskOf(rule.days) };
}

function campaignPart(window: SendWindow): Part {
  return { kind: 'campaign', id: 'campaign:send_window', label: 'the campaign send window', startHour: window.start_hour, endHour: window.end_hour, dayMask: maskOf(window.days) };
}

/** The zones a location's window is evaluated in (every US zone when the location is unknown). */
export function evaluatedZones(location: RecipientLocation): readonly string[] {
  if (location.zones.length > 0) return location.zones;
  if (location.states.length > 0) return [...new Set(location.states.flatMap((s) => US_STATE_ZONES[s]))].sort();
  return US_IANA_ZONES;
}

function buildPlan(location: RecipientLocation, sendWindow: SendWindow | null, tcpa: boolean): Plan {
  const zones = evaluatedZones(location);
  const byZone = new Map<string, Part[]>();
  const add = (zone: string, part: Part): void => {
    const list = byZone.get(zone);
    if (list) list.push(part);
    else byZone.set(zone, [part]);
  };
  if (tcpa) {
    const federal = partOfRule(FEDERAL_HOURS);
    for (const zone of zones) add(zone, federal);
    const known = location.zones.length > 0 || location.states.length > 0;
    const states: readonly UsJurisdiction[] = location.states.length > 0 ? location.states : US_JURISDICTIONS;
    const zoneSet = new Set(zones);
    for (const state of states) {
      const rule = STATE_HOURS_RULES[state];
      if (!rule) continue;
      const part = partOfRule(rule);
      if (rule.zone) add(rule.zone, part);
      else if (location.states.length > 0) for (const zone of zones) add(zone, part);
      else {
        // States unknown: the state's rule applies where that state can be, i.e. its own zones
        // (restricted to the candidate zones when those are known).
        for (const zone of US_STATE_ZONES[state]) if (!known || zoneSet.has(zone)) add(zone, part);
      }
    }
  }
  if (sendWindow) {
    const part = campaignPart(sendWindow);
    if (sendWindow.timezone === 'recipient') for (const zone of zones) add(zone, part);
    else add(sendWindow.timezone, part);
  }
  const constraints: Constraint[] = [];
  for (const [zone, parts] of byZone) {
    let start = 0;
    let end = 24;
    let dayMask = ALL_DAYS_MASK;
    for (const p of parts) {
      start = Math.max(start, p.startHour);
      end = Math.min(end, p.endHour);
      dayMask &= p.dayMask;
    }
    const ids = [...new Set(parts.map((p) => p.id))];
    if (start >= end || dayMask === 0) {
      throw new NoContactWindowError(`no time is allowed by every rule in ${zone} (${ids.join(', ')}): the windows or days never overlap`, ids);
    }
    let clock: ZoneClock;
    try {
      clock = zoneClock(zone);
    } catch {
      throw new NoContactWindowError(`unknown time zone "${zone}" in the contact-window rules`, ids);
    }
    constraints.push({ clock, startMs: start * HOUR_MS, endMs: end * HOUR_MS, dayMask, parts });
  }
  return { constraints, zones, openFrom: 0, openUntil: 0 };
}

// ── Plan memo (pure lookups): per location object, then per send window and channel kind ─────────
const plansByLocation = new WeakMap<RecipientLocation, Map<string, Plan>>();
/** Same plans by location content, for callers that build a new location object per call. */
const plansByLocationKey = new Map<string, Map<string, Plan>>();
const LOCATION_KEY_LIMIT = 50_000;

function windowKey(sendWindow: SendWindow | null, tcpa: boolean): string {
  const kind = tcpa ? 'tcpa' : 'email';
  if (!sendWindow) return kind;
  return `${kind}|${sendWindow.start_hour}|${sendWindow.end_hour}|${sendWindow.timezone}|${maskOf(sendWindow.days)}`;
}

function planFor(location: RecipientLocation, sendWindow: SendWindow | null, tcpa: boolean): Plan {
  let plans = plansByLocation.get(location);
  if (!plans) {
    const locationKey = `${location.zones.join(',')}|${location.states.join(',')}`;
    plans = plansByLocationKey.get(locationKey);
    if (!plans) {
      plans = new Map();
      if (plansByLocationKey.size >= LOCATION_KEY_LIMIT) plansByLocationKey.clear();
      plansByLocationKey.set(locationKey, plans);
    }
    plansByLocation.set(location, plans);
  }
  const key = windowKey(sendWindow, tcpa);
  let plan = plans.get(key);
  if (!plan) {
    plan = buildPlan(location, sendWindow, tcpa);
    plans.set(key, plan);
  }
  return plan;
}

// ── Window arithmetic ───────────────────────────────────────────────────────────────────────────
function isOpenAt(c: Constraint, t: number): boolean {
  const wall = c.clock.wallClockAt(t);
  const day = Math.floor(wall / DAY_MS);
  const msOfDay = wall - day * DAY_MS;
  return msOfDay >= c.startMs && msOfDay < c.endMs && (c.dayMask & (1 << weekdayOfWallClock(wall))) !== 0;
}

/** Earliest instant ≥ t at which the constraint is open. */
function nextOpening(c: Constraint, t: number): number {
  if (isOpenAt(c, t)) return t;
  const wall = c.clock.wallClockAt(t);
  const today = Math.floor(wall / DAY_MS);
  const msOfDay = wall - today * DAY_MS;
  for (let k = 0; k <= 8; k += 1) {
    const day = today + k;
    if ((c.dayMask & (1 << weekdayOfWallClock(day * DAY_MS))) === 0) continue;
    if (k === 0 && msOfDay >= c.startMs) continue;
    let open = c.clock.earliestInstantAtOrAfterWallClock(day * DAY_MS + c.startMs);
    // A repeated (fall-back) hour can put the first occurrence before t: use the one still ahead.
    if (open < t) open = t + (c.startMs - msOfDay);
    return open;
  }
  return Number.POSITIVE_INFINITY;
}

/** End of the open stretch that contains t (the constraint is open at t). */
function closingAfter(c: Constraint, t: number): number {
  const wall = c.clock.wallClockAt(t);
  const today = Math.floor(wall / DAY_MS);
  const close = c.clock.earliestInstantAtOrAfterWallClock(today * DAY_MS + c.endMs);
  return close > t ? close : t + (c.endMs - (wall - today * DAY_MS));
}

/** Start of the open stretch that contains t (the constraint is open at t). */
function openedBefore(c: Constraint, t: number): number {
  const wall = c.clock.wallClockAt(t);
  const today = Math.floor(wall / DAY_MS);
  const open = c.clock.earliestInstantAtOrAfterWallClock(today * DAY_MS + c.startMs);
  return open <= t ? open : t;
}

/** The rule inside a closed constraint that explains why it is closed at t. */
function blamePart(c: Constraint, t: number): { part: Part; cause: 'day' | 'early' | 'late'; wall: number } {
  const wall = c.clock.wallClockAt(t);
  const msOfDay = wall - Math.floor(wall / DAY_MS) * DAY_MS;
  const bit = 1 << weekdayOfWallClock(wall);
  const pick = (ok: (p: Part) => boolean, better: (a: Part, b: Part) => number): Part => {
    const candidates = c.parts.filter(ok).sort((a, b) => better(a, b) || KIND_PRIORITY[a.kind] - KIND_PRIORITY[b.kind]);
    const first = candidates[0] ?? c.parts[0];
    if (!first) throw new Error('a constraint without rules');
    return first;
  };
  if ((c.dayMask & bit) === 0) return { part: pick((p) => (p.dayMask & bit) === 0, () => 0), cause: 'day', wall };
  if (msOfDay < c.startMs) return { part: pick((p) => p.startHour * HOUR_MS > msOfDay, (a, b) => b.startHour - a.startHour), cause: 'early', wall };
  return { part: pick((p) => p.endHour * HOUR_MS <= msOfDay, (a, b) => a.endHour - b.endHour), cause: 'late', wall };
}

function describe(blame: { part: Part; cause: 'day' | 'early' | 'late'; wall: number }, zone: string): { rule: string; reason: string } {
  const { part, cause, wall } = blame;
  const when = `${formatWallClockTime(wall)} ${weekdayName(weekdayOfWallClock(wall))} in ${zone}`;
  const hours = `${formatHour(part.startHour)}–${formatHour(part.endHour)}`;
  switch (part.kind) {
    case 'campaign':
      return { rule: part.id, reason: `${when} is outside the campaign send window (${hours}${part.dayMask === ALL_DAYS_MASK ? '' : ', selected days only'})` };
    case 'federal':
    case 'state':
      switch (cause) {
        case 'day':
          return { rule: `${part.id}:sunday`, reason: `${when}: ${part.label} allows no contact on ${weekdayName(weekdayOfWallClock(wall))}s` };
        case 'early':
          return { rule: `${part.id}:hours`, reason: `${when} is before the ${formatHour(part.startHour)} start of ${part.label} hours (${hours})` };
        case 'late':
          return { rule: `${part.id}:hours`, reason: `${when} is after the ${formatHour(part.endHour)} end of ${part.label} hours (${hours})` };
      }
  }
}

const ALLOWED: WindowCheck = Object.freeze({ allowed: true });

/**
 * Whether contact is allowed at `now`; if not, the earliest instant ≥ now when every rule allows it
 * in every candidate zone, and the rule that closed the window. Throws `NoContactWindowError` when
 * no such instant exists within `MAX_SEARCH_DAYS` (the caller should block, not hold).
 */
export function checkContactWindow(input: WindowCheckInput): WindowCheck {
  const sendWindow = input.sendWindow ?? null;
  let tcpa: boolean;
  switch (input.channel) {
    case 'sms':
    case 'voicemail':
    case 'call':
      tcpa = true;
      break;
    case 'email':
      if (!sendWindow) return ALLOWED;
      tcpa = false;
      break;
  }
  const plan = planFor(input.location, sendWindow, tcpa);
  const now = input.now.getTime();
  if (now >= plan.openFrom && now < plan.openUntil) return ALLOWED;

  const constraints = plan.constraints;
  let firstClosed: Constraint | undefined;
  for (const c of constraints) {
    if (!isOpenAt(c, now)) {
      firstClosed = c;
      break;
    }
  }
  if (!firstClosed) {
    let from = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    for (const c of constraints) {
      from = Math.max(from, openedBefore(c, now));
      until = Math.min(until, closingAfter(c, now));
    }
    plan.openFrom = from;
    plan.openUntil = until;
    return ALLOWED;
  }

  // Blame the closed constraint that stays closed longest; then search for the common opening.
  let blamed = firstClosed;
  let blamedOpening = nextOpening(firstClosed, now);
  for (const c of constraints) {
    if (c === firstClosed || isOpenAt(c, now)) continue;
    const opening = nextOpening(c, now);
    if (opening > blamedOpening) {
      blamed = c;
      blamedOpening = opening;
    }
  }
  const limit = now + MAX_SEARCH_DAYS * DAY_MS;
  let t = blamedOpening;
  for (;;) {
    if (t > limit) {
      const ids = [...new Set(constraints.flatMap((c) => c.parts.map((p) => p.id)))];
      throw new NoContactWindowError(`no instant in the next ${MAX_SEARCH_DAYS} days is allowed by every rule (${ids.join(', ')}) in ${plan.zones.join(', ')}`, ids);
    }
    let moved = false;
    for (const c of constraints) {
      if (isOpenAt(c, t)) continue;
      const opening = nextOpening(c, t);
      t = opening > t ? opening : t + 60_000;
      moved = true;
    }
    if (!moved) break;
  }
  const { rule, reason } = describe(blamePart(blamed, now), blamed.clock.zone);
  return { allowed: false, nextAllowedAt: new Date(t), rule, reason };
}

/** Rule ids and zones a check would use, for audit records (`ComplianceAuditLog.time_zones`). */
export function contactWindowRules(location: RecipientLocation, channel: ContactChannel, sendWindow?: SendWindow | null): { zones: readonly string[]; rules: readonly string[] } {
  const tcpa = channel !== 'email';
  if (!tcpa && !sendWindow) return { zones: evaluatedZones(location), rules: [] };
  const plan = planFor(location, sendWindow ?? null, tcpa);
  return { zones: plan.zones, rules: [...new Set(plan.constraints.flatMap((c) => c.parts.map((p) => p.id)))].sort() };
}
