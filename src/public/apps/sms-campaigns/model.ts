/**
 * View logic of the SMS campaigns app, free of the DOM: which tab a campaign belongs to, the
 * builder's form → the web methods' arguments, and backend validation errors → builder fields.
 */
import type { AudienceFilter, SendWindow } from '../../../backend/collections/common';
import {
  CDL_CLASSES,
  DRIVER_STATUSES,
  ENDORSEMENTS,
  US_JURISDICTIONS,
  type CampaignStatus,
  type CdlClass,
  type DriverStatus,
  type Endorsement,
  type UsJurisdiction,
} from '../../../backend/collections/vocabulary';

export type CampaignTab = 'active' | 'scheduled' | 'completed' | 'drafts';
export const CAMPAIGN_TABS: readonly { readonly tab: CampaignTab; readonly label: string }[] = [
  { tab: 'active', label: 'Active' },
  { tab: 'scheduled', label: 'Scheduled' },
  { tab: 'completed', label: 'Completed' },
  { tab: 'drafts', label: 'Drafts' },
];

/** Paused campaigns stay under Active: they are mid-send and the recruiter resumes them there. */
export function tabOf(status: CampaignStatus): CampaignTab {
  switch (status) {
    case 'active':
    case 'paused':
      return 'active';
    case 'scheduled':
      return 'scheduled';
    case 'completed':
      return 'completed';
    case 'draft':
      return 'drafts';
  }
}

export interface AudienceForm {
  readonly cdlClasses: readonly CdlClass[];
  readonly endorsements: readonly Endorsement[];
  readonly endorsementsMatch: 'any' | 'all';
  readonly statuses: readonly DriverStatus[];
  /** Raw inputs as typed; blank = no condition. */
  readonly minYears: string;
  readonly states: string;
  readonly tags: string;
  readonly radiusMiles: string;
  readonly radiusPlace: string;
  readonly noSmsDays: string;
  readonly smsConsent: boolean;
}

export const EMPTY_AUDIENCE: AudienceForm = {
  cdlClasses: [],
  endorsements: [],
  endorsementsMatch: 'any',
  statuses: [],
  minYears: '',
  states: '',
  tags: '',
  radiusMiles: '',
  radiusPlace: '',
  noSmsDays: '',
  smsConsent: true,
};

export type FieldErrors = Partial<Record<BuilderField, string>>;
export type BuilderField = 'name' | 'message' | 'variants' | 'audience' | 'schedule' | 'window';

function list(raw: string): string[] {
  return raw
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function positive(raw: string): number | null {
  if (raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : NaN;
}

const isState = (s: string): s is UsJurisdiction => (US_JURISDICTIONS as readonly string[]).includes(s);

/** The stored `audience_filter` (collections/common.ts) for the form, or the problems found. */
export function audienceFilterOf(form: AudienceForm): { filter: AudienceFilter; problems: string[] } {
  const filter: AudienceFilter = {};
  const problems: string[] = [];
  if (form.cdlClasses.length > 0) filter.cdl_classes = form.cdlClasses.filter((c) => CDL_CLASSES.includes(c));
  if (form.endorsements.length > 0) {
    filter.endorsements = form.endorsements.filter((e) => ENDORSEMENTS.includes(e));
    filter.endorsements_match = form.endorsementsMatch;
  }
  if (form.statuses.length > 0) filter.statuses = form.statuses.filter((s) => DRIVER_STATUSES.includes(s));
  const years = form.minYears.trim() === '' ? null : Number(form.minYears);
  if (years !== null) {
    if (Number.isFinite(years) && years >= 0) filter.min_years_experience = years;
    else problems.push('Minimum experience must be a number of years.');
  }
  const states = list(form.states.toUpperCase());
  const unknown = states.filter((s) => !isState(s));
  if (unknown.length > 0) problems.push(`Unknown state code: ${unknown.join(', ')}.`);
  const known = states.filter(isState);
  if (known.length > 0) filter.states = known;
  const tags = form.tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tags.length > 0) filter.tags = tags;
  const miles = positive(form.radiusMiles);
  const place = form.radiusPlace.trim();
  if (miles !== null || place !== '') {
    if (miles === null || Number.isNaN(miles)) problems.push('Give the radius in miles.');
    else if (place === '') problems.push('Give a ZIP code or "City, ST" for the radius.');
    else if (/^\d{5}$/.test(place)) filter.within = { miles, zip: place };
    else if (/^[^,]+,\s*[A-Za-z]{2}$/.test(place)) filter.within = { miles, place };
    else problems.push('Location must be a 5-digit ZIP or "City, ST".');
  }
  const days = positive(form.noSmsDays);
  if (days !== null) {
    if (Number.isInteger(days)) filter.no_sms_in_last_days = days;
    else problems.push('"No SMS in the last N days" needs a whole number.');
  }
  if (form.smsConsent) filter.has_consent_for = 'sms';
  return { filter, problems };
}

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

export interface WindowForm {
  readonly enabled: boolean;
  readonly startHour: number;
  readonly endHour: number;
  readonly skipWeekends: boolean;
}

export function sendWindowOf(form: WindowForm): SendWindow {
  const days = form.skipWeekends ? [1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 6];
  return form.enabled
    ? { start_hour: form.startHour, end_hour: form.endHour, timezone: 'recipient', days }
    : { start_hour: 8, end_hour: 21, timezone: 'recipient', days };
}

export interface VariantForm {
  readonly id: string;
  readonly text: string;
  readonly weight: number;
}

export interface BuilderDraft {
  readonly name: string;
  /** Variant A first; A is the campaign's `messageTemplate`. */
  readonly variants: readonly VariantForm[];
  readonly audience: AudienceForm;
  readonly schedule: ScheduleForm;
  readonly window: WindowForm;
}

/** Local date-time input → ISO instant (the browser knows the recruiter's zone). */
export function isoFromLocal(value: string): string | null {
  if (value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `campaignData` of createSMSCampaign / `updates` of updateSMSCampaign. */
export function campaignDataOf(draft: BuilderDraft, audienceFilter: AudienceFilter): Record<string, unknown> {
  const [first] = draft.variants;
  const data: Record<string, unknown> = {
    name: draft.name.trim(),
    messageTemplate: first?.text ?? '',
    audienceFilter,
    scheduleType: draft.schedule.kind,
    sendWindow: sendWindowOf(draft.window),
  };
  if (draft.variants.length > 1) {
    data['variants'] = draft.variants.map((v) => ({ variant_id: v.id, name: `Variant ${v.id}`, message_template: v.text, weight: v.weight }));
  }
  if (draft.schedule.kind === 'scheduled') data['scheduledTime'] = isoFromLocal(draft.schedule.at);
  if (draft.schedule.kind === 'recurring') {
    data['recurringSchedule'] = {
      cron: recurringCron(draft.schedule.recurrence, draft.schedule.time, draft.schedule.weekday),
      timezone: draft.schedule.timezone,
    };
  }
  return data;
}

/** Checks the builder can make before asking the backend (which checks everything again). */
export function localProblems(draft: BuilderDraft, audienceProblems: readonly string[], sending: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (draft.name.trim() === '') errors.name = 'Give the campaign a name.';
  if ((draft.variants[0]?.text ?? '').trim() === '') errors.message = 'Write the message.';
  if (draft.variants.slice(1).some((v) => v.text.trim() === '')) errors.variants = 'Every variant needs a message (or remove it).';
  if (draft.variants.some((v) => !(v.weight > 0))) errors.variants = 'Weights must be above 0.';
  if (audienceProblems.length > 0) errors.audience = audienceProblems.join(' ');
  if (sending && draft.schedule.kind === 'scheduled') {
    const at = isoFromLocal(draft.schedule.at);
    if (at === null) errors.schedule = 'Pick the date and time to send.';
    else if (new Date(at).getTime() <= Date.now()) errors.schedule = 'Pick a time in the future.';
  }
  if (draft.window.enabled && draft.window.startHour >= draft.window.endHour) errors.window = 'The window must end after it starts.';
  return errors;
}

const FIELD_OF_KEY: Readonly<Record<string, BuilderField>> = {
  name: 'name',
  campaign_name: 'name',
  messageTemplate: 'message',
  message_template: 'message',
  variants: 'variants',
  message_variants: 'variants',
  audienceFilter: 'audience',
  audience_filter: 'audience',
  scheduleType: 'schedule',
  schedule_type: 'schedule',
  scheduledTime: 'schedule',
  scheduled_time: 'schedule',
  recurringSchedule: 'schedule',
  recurring_schedule: 'schedule',
  sendWindow: 'window',
  send_window: 'window',
};

/**
 * Spreads a backend failure over the builder's fields. Validation messages look like
 * "Invalid input — argument 1.messageTemplate: too short; argument 1.sendWindow.end_hour: …";
 * whatever names no field is returned as `general`.
 */
export function fieldErrorsOf(message: string): { fields: FieldErrors; general: string | null } {
  const fields: FieldErrors = {};
  const rest: string[] = [];
  const body = message.replace(/^Invalid input\s*[—-]\s*/, '');
  for (const part of body.split(/;\s*/)) {
    const m = /^argument\s+[\d]+\.([A-Za-z_]+)[^:]*:\s*(.*)$/.exec(part);
    const field = m?.[1] !== undefined ? FIELD_OF_KEY[m[1]] : undefined;
    if (field !== undefined && m?.[2] !== undefined) fields[field] = fields[field] ? `${fields[field]} ${m[2]}` : m[2];
    else rest.push(part);
  }
  const general = rest.length > 0 && rest.join('; ').trim() !== '' ? (rest.length === body.split(/;\s*/).length ? message : rest.join('; ')) : null;
  return { fields, general };
}

/** Relative weights as whole percentages that add up to 100 (largest remainder). */
export function weightShares(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + (b > 0 ? b : 0), 0);
  if (total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => ((w > 0 ? w : 0) / total) * 100);
  const floors = raw.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    left -= 1;
  }
  return floors;
}

export const VARIANT_IDS = ['A', 'B', 'C', 'D', 'E'] as const;

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
