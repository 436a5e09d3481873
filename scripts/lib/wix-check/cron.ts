/**
 * 5-field cron expressions as Wix jobs.config accepts them (minute hour day-of-month month
 * day-of-week, UTC, no seconds, no `?`/`#`/`L`/`W`, no `@daily` names), and the shortest interval
 * between two runs.
 */
interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly aliases?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, aliases: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, aliases: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

export interface CronSchedule {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday (7 is folded into 0). */
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

export type CronParse = { ok: true; schedule: CronSchedule } | { ok: false; reason: string };

export function parseCron(expression: string): CronParse {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) return { ok: false, reason: `"${trimmed}": named schedules (@daily, @hourly, …) are not accepted; use 5 fields` };
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5) return { ok: false, reason: `"${trimmed}" has ${parts.length} fields; Wix expects 5 (minute hour day-of-month month day-of-week)` };
  const sets: Set<number>[] = [];
  for (const [i, spec] of FIELDS.entries()) {
    const field = parts[i] ?? '';
    const parsed = parseField(field, spec);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    sets.push(parsed);
  }
  const [minutes, hours, dom, months, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (dow.has(7)) {
    dow.delete(7);
    dow.add(0);
  }
  return {
    ok: true,
    schedule: {
      minutes: [...minutes].sort((a, b) => a - b),
      hours: [...hours].sort((a, b) => a - b),
      daysOfMonth: dom,
      months,
      daysOfWeek: dow,
      domRestricted: !(parts[2] ?? '').startsWith('*'),
      dowRestricted: !(parts[4] ?? '').startsWith('*'),
    },
  };
}

function parseField(field: string, spec: FieldSpec): Set<number> | string {
  if (/[?#LW]/i.test(field.replace(/[A-Z]{3}/gi, (m) => (spec.aliases?.includes(m.toUpperCase()) ? '0' : m)))) {
    return `${spec.name} "${field}": "?", "#", "L" and "W" are not accepted`;
  }
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (match === null) return `${spec.name} "${field}": cannot read "${item}"`;
    const [, range = '', stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `${spec.name} "${field}": step must be a positive integer`;
    let from = spec.min;
    let to = spec.max === 7 ? 6 : spec.max;
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      const start = value(a, spec);
      if (start === null) return `${spec.name} "${field}": "${a}" is not in ${spec.min}-${spec.max}`;
      from = start;
      to = stepText !== undefined && b === undefined ? to : start;
      if (b !== undefined) {
        const end = value(b, spec);
        if (end === null) return `${spec.name} "${field}": "${b}" is not in ${spec.min}-${spec.max}`;
        if (end < start) return `${spec.name} "${field}": range ${a}-${b} runs backwards`;
        to = end;
      }
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function value(text: string, spec: FieldSpec): number | null {
  const alias = spec.aliases?.indexOf(text.toUpperCase()) ?? -1;
  const n = alias >= 0 ? alias + (spec.min === 1 ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(n) && n >= spec.min && n <= spec.max ? n : null;
}

/** Does the schedule run on this UTC day? (Vixie cron: if both day fields are restricted, either matches.) */
function runsOn(schedule: CronSchedule, day: Date): boolean {
  if (!schedule.months.has(day.getUTCMonth() + 1)) return false;
  const dom = schedule.daysOfMonth.has(day.getUTCDate());
  const dow = schedule.daysOfWeek.has(day.getUTCDay());
  if (schedule.domRestricted && schedule.dowRestricted) return dom || dow;
  if (schedule.domRestricted) return dom;
  if (schedule.dowRestricted) return dow;
  return true;
}

const DAY_MS = 86_400_000;

/**
 * Shortest gap in minutes between two consecutive runs, or null if it never runs (e.g. 31 Feb).
 * Within a day the gaps come from the minute×hour grid; across midnight only when two consecutive
 * days both run (checked over a full 28-year calendar cycle).
 */
export function minimumIntervalMinutes(schedule: CronSchedule): number | null {
  const times: number[] = [];
  for (const h of schedule.hours) for (const m of schedule.minutes) times.push(h * 60 + m);
  times.sort((a, b) => a - b);
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return null;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i += 1) best = Math.min(best, (times[i] ?? 0) - (times[i - 1] ?? 0));
  const start = Date.UTC(2000, 0, 1);
  let anyDay = false;
  let previous = false;
  let gapDays = Number.POSITIVE_INFINITY;
  let lastRunDay = -1;
  for (let d = 0; d < 28 * 366; d += 1) {
    const runs = runsOn(schedule, new Date(start + d * DAY_MS));
    if (runs) {
      anyDay = true;
      if (lastRunDay >= 0) gapDays = Math.min(gapDays, d - lastRunDay);
      lastRunDay = d;
    }
    if (runs && previous) break;
    previous = runs;
  }
  if (!anyDay) return null;
  if (Number.isFinite(gapDays)) best = Math.min(best, gapDays * 1440 - last + first);
  return Number.isFinite(best) ? best : null;
}
