/**
 * Schedule (immediate / scheduled, and recurring where the channel offers it) and send-window
 * fields of the campaign builders (SMS and email).
 */
import { h } from './dom';
import type { Recurrence, ScheduleForm, ScheduleKind, WindowForm } from './scheduleModel';

/** What a stored campaign says about its schedule (both channels' campaigns have these fields). */
export interface ScheduleInitial {
  readonly schedule_type?: ScheduleKind | undefined;
  readonly scheduled_time?: string | null | undefined;
  readonly recurring_schedule?: { readonly cron: string } | null | undefined;
  readonly send_window?: { readonly start_hour: number; readonly end_hour: number; readonly days: readonly number[] } | null | undefined;
}

export interface ScheduleOptions {
  /** Offer "Recurring" (SMS campaigns). */
  readonly recurring: boolean;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function hourLabel(hour: number): string {
  if (hour === 0 || hour === 24) return '12:00 AM';
  if (hour === 12) return '12:00 PM';
  return hour < 12 ? `${hour}:00 AM` : `${hour - 12}:00 PM`;
}

function hourSelect(name: string, selected: number, label: string): HTMLSelectElement {
  const select = h('select', { name, 'aria-label': label }, ...Array.from({ length: 25 }, (_, hour) => h('option', { value: hour }, hourLabel(hour))));
  select.value = String(selected);
  return select;
}

function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function renderSchedule(existing: ScheduleInitial | undefined, options: ScheduleOptions): HTMLElement {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const kind: ScheduleKind = existing?.schedule_type ?? 'immediate';
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setHours(9, 0, 0, 0);
  const at = existing?.scheduled_time ? new Date(existing.scheduled_time) : tomorrow;
  const radio = (value: ScheduleKind, label: string, ...extra: (Node | string)[]) =>
    h('div', { class: 'radio-row' }, h('label', { class: 'check' }, h('input', { type: 'radio', name: 'scheduleKind', value, checked: kind === value }), label), ...extra);
  const atInput = h('input', { type: 'datetime-local', name: 'scheduledAt', 'aria-label': 'Send at' });
  atInput.value = localInputValue(at);
  const recurrence = h(
    'select',
    { name: 'recurrence', 'aria-label': 'Repeat' },
    h('option', { value: 'daily' }, 'Daily'),
    h('option', { value: 'weekdays' }, 'Weekdays (Mon–Fri)'),
    h('option', { value: 'weekly' }, 'Weekly'),
  );
  const cron = existing?.recurring_schedule?.cron.split(' ') ?? [];
  if (cron[4] === '1-5') recurrence.value = 'weekdays';
  else if (cron[4] !== undefined && cron[4] !== '*') recurrence.value = 'weekly';
  const weekday = h('select', { name: 'weekday', 'aria-label': 'On' }, ...WEEKDAYS.map((d, i) => h('option', { value: i }, d)));
  weekday.value = cron[4] !== undefined && /^\d$/.test(cron[4]) ? cron[4] : '1';
  const time = h('input', { type: 'time', name: 'recurringTime', 'aria-label': 'At' });
  time.value = cron[0] !== undefined && cron[1] !== undefined ? `${cron[1].padStart(2, '0')}:${cron[0].padStart(2, '0')}` : '09:00';
  const window = existing?.send_window ?? undefined;
  const windowOn = window === undefined || !(window.start_hour === 8 && window.end_hour === 21);
  const skipWeekends = window !== undefined && !window.days.includes(0) && !window.days.includes(6);

  return h(
    'div',
    { class: 'schedule' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Schedule'),
      radio('immediate', 'Send immediately'),
      radio('scheduled', 'Schedule for later: ', atInput, h('span', { class: 'muted' }, ` ${zone}`)),
      options.recurring ? radio('recurring', 'Recurring: ', recurrence, ' on ', weekday, ' at ', time, h('span', { class: 'muted' }, ` ${zone}`)) : null,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Send window (quiet hours)'),
      h(
        'div',
        { class: 'radio-row' },
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'windowOn', checked: windowOn }), 'Only send between '),
        hourSelect('windowStart', window?.start_hour ?? 9, 'Window starts'),
        ' and ',
        hourSelect('windowEnd', window?.end_hour ?? 20, 'Window ends'),
        ' recipient local time',
      ),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'skipWeekends', checked: skipWeekends }), 'Skip weekends'),
      h('p', { class: 'muted' }, 'Federal and state quiet hours always apply on top of this window.'),
    ),
  );
}

function field(root: ParentNode, name: string): string {
  return root.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? '';
}

function isKind(v: string): v is ScheduleKind {
  return v === 'immediate' || v === 'scheduled' || v === 'recurring';
}
function isRecurrence(v: string): v is Recurrence {
  return v === 'daily' || v === 'weekdays' || v === 'weekly';
}

export function readSchedule(root: ParentNode): ScheduleForm {
  const kind = root.querySelector<HTMLInputElement>('input[name="scheduleKind"]:checked')?.value ?? 'immediate';
  const recurrence = field(root, 'recurrence');
  return {
    kind: isKind(kind) ? kind : 'immediate',
    at: field(root, 'scheduledAt'),
    recurrence: isRecurrence(recurrence) ? recurrence : 'daily',
    weekday: Number(field(root, 'weekday')),
    time: field(root, 'recurringTime'),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

export function readWindow(root: ParentNode): WindowForm {
  return {
    enabled: root.querySelector<HTMLInputElement>('input[name="windowOn"]')?.checked === true,
    startHour: Number(field(root, 'windowStart')),
    endHour: Number(field(root, 'windowEnd')),
    skipWeekends: root.querySelector<HTMLInputElement>('input[name="skipWeekends"]')?.checked === true,
  };
}
