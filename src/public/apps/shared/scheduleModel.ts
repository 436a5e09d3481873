/**
 * Schedule and send-window forms of the campaign builders (SMS and email), free of the DOM: the
 * recruiter's choices → the stored `send_window`, ISO instants and crons.
 */
import type { SendWindow } from '../../../backend/collections/common';

export type ScheduleKind = 'immediate' | 'scheduled' | 'recurring';
export type Recurrence = 'daily' | 'weekdays' | 'weekly';

export interface ScheduleForm {
  readonly kind: ScheduleKind;
  /** `<input type="datetime-local">` value, in the recruiter's zone. */
  readonly at: string;
  readonly recurrence: Recurrence;
  /** 0 = Sunday … 6 = Saturday (weekly only). */
  readonly weekday: number;
  /** "HH:MM" */
  readonly time: string;
  readonly timezone: string;
}

export interface WindowForm {
  readonly enabled: boolean;
  readonly startHour: number;
  readonly endHour: number;
  readonly skipWeekends: boolean;
}

/** A 5-field cron (minute hour * * days) for the recurring choices. */
export function recurringCron(recurrence: Recurrence, time: string, weekday: number): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time);
  const hour = m ? Number(m[1]) : 9;
  const minute = m ? Number(m[2]) : 0;
  switch (recurrence) {
    case 'daily':
      return `${minute} ${hour} * * *`;
    case 'weekdays':
      return `${minute} ${hour} * * 1-5`;
    case 'weekly':
      return `${minute} ${hour} * * ${weekday}`;
  }
}

export function sendWindowOf(form: WindowForm): SendWindow {
  const days = form.skipWeekends ? [1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 6];
  return form.enabled
    ? { start_hour: form.startHour, end_hour: form.endHour, timezone: 'recipient', days }
    : { start_hour: 8, end_hour: 21, timezone: 'recipient', days };
}

/** Local date-time input → ISO instant (the browser knows the recruiter's zone). */
export function isoFromLocal(value: string): string | null {
  if (value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The problem with a "send later" time, if any: missing or not in the future. */
export function scheduledTimeProblem(at: string, now: Date): string | null {
  const iso = isoFromLocal(at);
  if (iso === null) return 'Pick the date and time to send.';
  if (new Date(iso).getTime() <= now.getTime()) return 'Pick a time in the future.';
  return null;
}

export function windowProblem(form: WindowForm): string | null {
  return form.enabled && form.startHour >= form.endHour ? 'The window must end after it starts.' : null;
}

/** The first run of a recurring schedule after `now`, in the browser's zone (what the recruiter picked). */
export function nextOccurrence(recurrence: Recurrence, time: string, weekday: number, now: Date): Date {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time);
  const candidate = new Date(now);
  candidate.setHours(m ? Number(m[1]) : 9, m ? Number(m[2]) : 0, 0, 0);
  for (let i = 0; i < 8; i += 1) {
    const day = candidate.getDay();
    const fits = recurrence === 'daily' || (recurrence === 'weekdays' ? day >= 1 && day <= 5 : day === weekday);
    if (fits && candidate.getTime() > now.getTime()) return candidate;
    candidate.setDate(candidate.getDate() + 1);
  }
  return candidate;
}
