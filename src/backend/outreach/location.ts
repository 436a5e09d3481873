/**
 * Where a driver may be: candidate time zones and states from the phone's area code and the home
 * ZIP/state. Synchronous (tables generated from libphonenumber's mapping data), so a batch of
 * decisions needs no I/O.
 *
 * Zones = area-code zones (the union over the area code's exchanges, so split-zone area codes
 *         such as 850 or 270 carry both zones)
 *       ∪ home_time_zone when set, else every zone of home_state.
 * States = area-code state ∪ home_state. Nothing known → both empty (the window code then assumes
 * every US zone and every state's rules).
 */
import type { DriverProfile } from '../collections/people';
import type { UsJurisdiction } from '../collections/vocabulary';
import type { RecipientLocation } from './contactWindow';
import { US_STATE_ZONES } from './data/usStateZones';
import { areaCodeOf, usAreaCode } from './phones';
import { isValidIanaZone } from './timeZones';

export type LocatableDriver = Pick<DriverProfile, 'phone' | 'home_state' | 'home_time_zone'>;

/** Every zone of a state or DC (from its ZIP codes). */
export function zonesOfState(state: UsJurisdiction): readonly string[] {
  return US_STATE_ZONES[state];
}

const EMPTY: RecipientLocation = Object.freeze({ zones: Object.freeze([]), states: Object.freeze([]) });

/**
 * Memo of pure lookups, so drivers with the same area code and home share one frozen location
 * object (downstream caches key on it). Bounded; cleared when full.
 */
const memo = new Map<string, RecipientLocation>();
const MEMO_LIMIT = 200_000;
/** Equal locations share one object (interned by content). */
const interned = new Map<string, RecipientLocation>();

export function recipientLocation(driver: LocatableDriver): RecipientLocation {
  const areaCode = driver.phone ? areaCodeOf(driver.phone) : null;
  const key = `${areaCode ?? ''}|${driver.home_state ?? ''}|${driver.home_time_zone ?? ''}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const location = computeLocation(areaCode, driver.home_state, driver.home_time_zone);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, location);
  return location;
}

function computeLocation(areaCode: string | null, homeState: UsJurisdiction | null, homeTimeZone: string | null): RecipientLocation {
  const zones = new Set<string>();
  const states = new Set<UsJurisdiction>();
  const entry = areaCode ? usAreaCode(areaCode) : undefined;
  if (entry) {
    states.add(entry.state);
    for (const zone of entry.zones) zones.add(zone);
  }
  if (homeState) states.add(homeState);
  if (homeTimeZone && isValidIanaZone(homeTimeZone)) zones.add(homeTimeZone);
  else if (homeState) for (const zone of zonesOfState(homeState)) zones.add(zone);
  if (zones.size === 0 && states.size === 0) return EMPTY;
  const sortedZones = [...zones].sort();
  const sortedStates = [...states].sort();
  const contentKey = `${sortedZones.join(',')}|${sortedStates.join(',')}`;
  const existing = interned.get(contentKey);
  if (existing) return existing;
  const location: RecipientLocation = Object.freeze({ zones: Object.freeze(sortedZones), states: Object.freeze(sortedStates) });
  if (interned.size >= MEMO_LIMIT) interned.clear();
  interned.set(contentKey, location);
  return location;
}
