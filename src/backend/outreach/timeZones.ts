/**
 * Time-zone arithmetic for contact windows without building date objects on the hot path: each
 * zone's UTC offsets are worked out once per calendar year with luxon (which reads the runtime's
 * IANA database, so DST rules are never hand-written here) and kept as a handful of segments.
 * Afterwards an offset is a table lookup, and local wall-clock time is plain arithmetic.
 */
import { IANAZone } from 'luxon';

/** IANA zones in use in the 50 states and DC. */
export const US_IANA_ZONES = [
  'America/New_York', 'America/Detroit', 'America/Kentucky/Louisville', 'America/Kentucky/Monticello',
  'America/Indiana/Indianapolis', 'America/Indiana/Vincennes', 'America/Indiana/Winamac', 'America/Indiana/Marengo',
  'America/Indiana/Petersburg', 'America/Indiana/Vevay', 'America/Chicago', 'America/Indiana/Tell_City',
  'America/Indiana/Knox', 'America/Menominee', 'America/North_Dakota/Center', 'America/North_Dakota/New_Salem',
  'America/North_Dakota/Beulah', 'America/Denver', 'America/Boise', 'America/Phoenix', 'America/Los_Angeles',
  'America/Anchorage', 'America/Juneau', 'America/Sitka', 'America/Metlakatla', 'America/Yakutat', 'America/Nome',
  'America/Adak', 'Pacific/Honolulu',
] as const;
export type UsIanaZone = (typeof US_IANA_ZONES)[number];

const US_ZONE_SET: ReadonlySet<string> = new Set(US_IANA_ZONES);

export function isUsIanaZone(zone: string): zone is UsIanaZone {
  return US_ZONE_SET.has(zone);
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A stretch of time with one UTC offset: `[start, end)` in epoch ms, offset in ms (local = utc + offset). */
interface OffsetSegment {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

/** `Date.UTC(year, 0, 1)` without allocating. */
function yearStartMs(year: number): number {
  return Date.UTC(year, 0, 1);
}

function utcYearOf(ms: number): number {
  let year = 1970 + Math.floor(ms / (365.2425 * DAY_MS));
  while (yearStartMs(year) > ms) year -= 1;
  while (yearStartMs(year + 1) <= ms) year += 1;
  return year;
}

/**
 * Offsets of one IANA zone. Valid for any instant; each UTC year is computed on first use from a
 * monthly sample refined by bisection to the minute (US transitions happen on whole hours).
 */
export class ZoneClock {
  readonly zone: string;
  private readonly iana: IANAZone;
  private readonly years = new Map<number, readonly OffsetSegment[]>();
  private last: OffsetSegment = { start: 0, end: 0, offsetMs: 0 };

  constructor(zone: string) {
    const iana = IANAZone.create(zone);
    if (!iana.isValid) throw new Error(`unknown IANA time zone: ${zone}`);
    this.zone = zone;
    this.iana = iana;
  }

  /** Offset in ms at an instant (local wall time = `ms + offsetAt(ms)`). */
  offsetAt(ms: number): number {
    return this.segmentAt(ms).offsetMs;
  }

  /** The offset segment containing `ms`. */
  segmentAt(ms: number): OffsetSegment {
    const last = this.last;
    if (ms >= last.start && ms < last.end) return last;
    const segments = this.segmentsOfYear(utcYearOf(ms));
    for (const segment of segments) {
      if (ms >= segment.start && ms < segment.end) {
        this.last = segment;
        return segment;
      }
    }
    throw new Error(`no offset segment for ${ms} in ${this.zone}`);
  }

  /** Local wall-clock time (as ms since the epoch of a UTC-labelled clock) at an instant. */
  wallClockAt(ms: number): number {
    return ms + this.offsetAt(ms);
  }

  /**
   * The earliest instant at which the wall clock reads `wallMs` or later: the first occurrence of a
   * repeated (fall-back) time, or the end of the gap when the time is skipped (spring-forward).
   */
  earliestInstantAtOrAfterWallClock(wallMs: number): number {
    const before = this.offsetAt(wallMs - DAY_MS);
    const after = this.offsetAt(wallMs + DAY_MS);
    let best = Number.POSITIVE_INFINITY;
    for (const offset of before === after ? [before] : [before, after]) {
      const candidate = wallMs - offset;
      if (this.offsetAt(candidate) === offset && candidate < best) best = candidate;
    }
    if (best !== Number.POSITIVE_INFINITY) return best;
    // Skipped wall time: the clock jumps over it at the transition, which starts the segment that
    // `wallMs - before` (already past the jump) falls into.
    return this.segmentAt(wallMs - before).start;
  }

  private segmentsOfYear(year: number): readonly OffsetSegment[] {
    const cached = this.years.get(year);
    if (cached) return cached;
    const samples: number[] = [];
    for (let month = 0; month <= 12; month += 1) samples.push(Date.UTC(year, month, 1));
    const segments: OffsetSegment[] = [];
    let start = samples[0] ?? yearStartMs(year);
    let offset = this.rawOffsetMs(start);
    for (let i = 1; i < samples.length; i += 1) {
      const sample = samples[i] ?? start;
      // The offset at the previous sample is `offset`; walk every change up to this sample.
      let lo = samples[i - 1] ?? start;
      while (this.rawOffsetMs(sample) !== offset) {
        const change = this.firstChangeAfter(lo, sample, offset);
        segments.push({ start, end: change, offsetMs: offset });
        start = change;
        offset = this.rawOffsetMs(change);
        lo = change;
      }
    }
    segments.push({ start, end: yearStartMs(year + 1), offsetMs: offset });
    this.years.set(year, segments);
    return segments;
  }

  /** First whole minute in `(lo, hi]` whose offset differs from `offset` (offset at `lo` is `offset`). */
  private firstChangeAfter(lo: number, hi: number, offset: number): number {
    let a = Math.floor(lo / MINUTE_MS);
    let b = Math.ceil(hi / MINUTE_MS);
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (this.rawOffsetMs(mid * MINUTE_MS) === offset) a = mid;
      else b = mid;
    }
    return b * MINUTE_MS;
  }

  private rawOffsetMs(ms: number): number {
    return this.iana.offset(ms) * MINUTE_MS;
  }
}

const clocks = new Map<string, ZoneClock>();

/** The shared (lazily filled, deterministic) clock of a zone; throws for an unknown zone name. */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

const zoneValidity = new Map<string, boolean>();

/** Whether `zone` names an IANA zone (answers cached: a campaign asks once per recipient). */
export function isValidIanaZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    // Bounded: names come from stored driver records, a few hundred real ones at most.
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/** Day of week (0 = Sunday) of a wall-clock ms value. 1970-01-01 was a Thursday. */
export function weekdayOfWallClock(wallMs: number): number {
  return (((Math.floor(wallMs / DAY_MS) + 4) % 7) + 7) % 7;
}

/** "8:30 pm" for a wall-clock ms value. */
export function formatWallClockTime(wallMs: number): string {
  const minuteOfDay = Math.floor((((wallMs % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${h12}:${String(minute).padStart(2, '0')} ${hour < 12 ? 'am' : 'pm'}`;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export function weekdayName(day: number): string {
  return WEEKDAY_NAMES[day] ?? `day ${day}`;
}

/** "8 am", "9 pm", "midnight" for an hour 0–24. */
export function formatHour(hour: number): string {
  if (hour === 0 || hour === 24) return 'midnight';
  if (hour === 12) return 'noon';
  return hour < 12 ? `${hour} am` : `${hour - 12} pm`;
}
