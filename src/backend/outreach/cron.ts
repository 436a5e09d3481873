/**
 * Recurring schedules: standard 5-field cron (`minute hour day-of-month month day-of-week`,
 * Sunday = 0, names like MON/JAN allowed) evaluated in an IANA time zone with croner.
 *
 * DST: a fixed-time schedule (single minute and hour, e.g. `0 9 * * *`) runs once a day at that
 * wall-clock time on both sides of a change; a time that falls in the spring-forward gap runs at the
 * first valid instant after it, and a time that occurs twice in the autumn runs once. When both
 * day-of-month and day-of-week are restricted, a day matching either runs (classic cron).
 */
import { Cron } from 'croner';
import type { RecurringSchedule } from '../collections/sms';

export class CronExpressionError extends Error {
  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`Invalid cron expression "${expression}": ${detail}`);
    this.name = 'CronExpressionError';
  }
}

export class TimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(`Unknown time zone "${timeZone}": expected an IANA name such as America/Chicago`);
    this.name = 'TimeZoneError';
  }
}

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new TimeZoneError(timeZone);
  }
}

function compile(expression: string, timeZone: string): Cron {
  assertTimeZone(timeZone);
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    throw new CronExpressionError(expression, `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields[0] === '' ? 0 : fields.length}`);
  }
  try {
    return new Cron(fields.join(' '), { timezone: timeZone, mode: '5-part', paused: true });
  } catch (error) {
    throw new CronExpressionError(expression, error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error));
  }
}

/** Throws `CronExpressionError` / `TimeZoneError`; returns nothing when both are usable. */
export function assertValidCron(expression: string, timeZone = 'UTC'): void {
  compile(expression, timeZone);
}

/** The first run strictly after `after`, in `timeZone`. Throws on an invalid expression or one that never runs (e.g. Feb 30). */
export function nextCronRun(expression: string, after: Date, timeZone = 'UTC'): Date {
  const next = compile(expression, timeZone).nextRun(after);
  if (!next) throw new CronExpressionError(expression, 'it never matches a date');
  return next;
}

/** The next `count` runs strictly after `after` (for "next sends" previews). */
export function nextCronRuns(expression: string, after: Date, count: number, timeZone = 'UTC'): Date[] {
  const cron = compile(expression, timeZone);
  const runs: Date[] = [];
  let from = after;
  while (runs.length < count) {
    const next = cron.nextRun(from);
    if (!next) break;
    runs.push(next);
    from = next;
  }
  return runs;
}

/** A campaign's next recurring run after `after`, or `null` once `ends_at` is reached. */
export function nextRecurringRun(schedule: RecurringSchedule, after: Date): Date | null {
  const next = nextCronRun(schedule.cron, after, schedule.timezone);
  return schedule.ends_at && next.getTime() >= schedule.ends_at.getTime() ? null : next;
}

// ── The builder's choices ("Recurring: [Weekly] on [Monday]") ↔ cron ─────────────────────────────

export type RecurringChoice =
  | { readonly frequency: 'daily'; readonly hour: number; readonly minute?: number }
  | { readonly frequency: 'weekdays'; readonly hour: number; readonly minute?: number }
  | { readonly frequency: 'weekly'; readonly weekdays: readonly number[]; readonly hour: number; readonly minute?: number }
  | { readonly frequency: 'monthly'; readonly dayOfMonth: number; readonly hour: number; readonly minute?: number };

export function cronForRecurringChoice(choice: RecurringChoice): string {
  const minute = choice.minute ?? 0;
  checkRange('hour', choice.hour, 0, 23);
  checkRange('minute', minute, 0, 59);
  switch (choice.frequency) {
    case 'daily':
      return `${minute} ${choice.hour} * * *`;
    case 'weekdays':
      return `${minute} ${choice.hour} * * 1-5`;
    case 'weekly': {
      if (choice.weekdays.length === 0) throw new RangeError('weekly schedule needs at least one weekday');
      choice.weekdays.forEach((d) => checkRange('weekday', d, 0, 6));
      return `${minute} ${choice.hour} * * ${[...new Set(choice.weekdays)].sort((a, b) => a - b).join(',')}`;
    }
    case 'monthly':
      checkRange('dayOfMonth', choice.dayOfMonth, 1, 28);
      return `${minute} ${choice.hour} ${choice.dayOfMonth} * *`;
    default:
      return assertNever(choice);
  }
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number ${min}-${max}, got ${value}`);
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const DAY_ALIASES: Readonly<Record<string, number>> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

/**
 * A sentence for the campaign list: "Every Monday at 9:00 AM (America/Chicago)". Common shapes
 * (daily, weekdays, weekly on days, monthly on a day) are spelled out; anything else is shown as
 * the cron expression with its next run.
 */
export function describeRecurringSchedule(schedule: Pick<RecurringSchedule, 'cron' | 'timezone'> & { ends_at?: Date | null }, now?: Date): string {
  assertValidCron(schedule.cron, schedule.timezone);
  const [minute = '', hour = '', dom = '', month = '', dow = ''] = schedule.cron.trim().split(/\s+/);
  const zone = ` (${schedule.timezone})`;
  const until = schedule.ends_at ? `, until ${schedule.ends_at.toISOString().slice(0, 10)}` : '';
  const time = /^\d+$/.test(minute) && /^\d+$/.test(hour) ? formatTime(Number(hour), Number(minute)) : null;
  const days = dom === '*' && month === '*' ? weekdaysOf(dow) : null;
  if (time !== null && days !== null) {
    if (days.length === 7) return `Every day at ${time}${zone}${until}`;
    if (days.join(',') === '1,2,3,4,5') return `Every weekday at ${time}${zone}${until}`;
    return `Every ${joinWords(days.map((d) => DAY_NAMES[d] ?? String(d)))} at ${time}${zone}${until}`;
  }
  if (time !== null && /^\d+$/.test(dom) && month === '*' && dow === '*') {
    return `Monthly on day ${Number(dom)} at ${time}${zone}${until}`;
  }
  const next = now ? `, next ${nextCronRun(schedule.cron, now, schedule.timezone).toISOString()}` : '';
  return `Cron "${schedule.cron.trim()}"${zone}${next}${until}`;
}

/** Day numbers of a simple day-of-week field (`*`, `1-5`, `MON,THU`, `0`/`7` = Sunday); `null` for steps or other forms. */
function weekdaysOf(field: string): number[] | null {
  if (field === '*' || field === '?') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of field.toUpperCase().split(',')) {
    const range = /^([A-Z]{3}|\d)(?:-([A-Z]{3}|\d))?$/.exec(part);
    if (!range || range[1] === undefined) return null;
    const from = dayNumber(range[1]);
    const to = range[2] === undefined ? from : dayNumber(range[2]);
    if (from === null || to === null || to < from) return null;
    for (let d = from; d <= to; d++) days.add(d % 7);
  }
  return [...days].sort((a, b) => a - b);
}

function dayNumber(token: string): number | null {
  if (/^\d$/.test(token)) return Number(token) <= 7 ? Number(token) : null;
  return DAY_ALIASES[token] ?? null;
}

function formatTime(hour: number, minute: number): string {
  const suffix = hour < 12 ? 'AM' : 'PM';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${h12}:${String(minute).padStart(2, '0')} ${suffix}`;
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
