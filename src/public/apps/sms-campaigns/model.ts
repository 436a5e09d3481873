/**
 * View logic of the SMS campaigns app, free of the DOM: which tab a campaign belongs to, the
 * builder's form → the web methods' arguments, and backend validation errors → builder fields.
 */
import type { AudienceFilter } from '../../../backend/collections/common';
import type { CampaignStatus } from '../../../backend/collections/vocabulary';
import type { AudienceForm } from '../shared/audienceModel';
import { spreadFieldErrors } from '../shared/fieldErrors';
import { isoFromLocal, recurringCron, scheduledTimeProblem, sendWindowOf, windowProblem, type ScheduleForm, type WindowForm } from '../shared/scheduleModel';

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

export type FieldErrors = Partial<Record<BuilderField, string>>;
export type BuilderField = 'name' | 'message' | 'variants' | 'audience' | 'schedule' | 'window';

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
  const when = sending && draft.schedule.kind === 'scheduled' ? scheduledTimeProblem(draft.schedule.at, new Date()) : null;
  if (when !== null) errors.schedule = when;
  const window = windowProblem(draft.window);
  if (window !== null) errors.window = window;
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

/** Spreads a backend failure over the builder's fields (see shared/fieldErrors.ts). */
export function fieldErrorsOf(message: string): { fields: FieldErrors; general: string | null } {
  return spreadFieldErrors(message, FIELD_OF_KEY);
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
